import { existsSync } from 'node:fs';
import path from 'node:path';
import { AssetType, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import { MissingBundleError } from '../errors';

/** Where function bundles live: `<root>/<name>/dist/index.mjs` (scripts/bundle.mjs writes them). */
export interface BundleSource {
  /** Directory holding one folder per function (the repository's `functions/`). */
  functionsRoot: string;
}

/** The repository's functions/ folder, resolved from this file (infra/src/constructs). */
export function defaultBundleSource(): BundleSource {
  return { functionsRoot: path.resolve(import.meta.dirname, '../../../functions') };
}

/** The dist folder of one function; throws MissingBundleError when its index.mjs is absent. */
export function bundleDir(source: BundleSource, functionName: string): string {
  const dir = path.join(source.functionsRoot, functionName, 'dist');
  const entry = path.join(dir, 'index.mjs');
  if (!existsSync(entry)) throw new MissingBundleError(functionName, entry);
  return dir;
}

/** The function's dist/ folder zipped as a Terraform asset (one per bundle, shared by its handlers). */
export function bundleAsset(scope: Construct, id: string, source: BundleSource, functionName: string): TerraformAsset {
  return new TerraformAsset(scope, id, { path: bundleDir(source, functionName), type: AssetType.ARCHIVE });
}
