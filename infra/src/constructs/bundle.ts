import { existsSync } from 'node:fs';
import path from 'node:path';
import { App, AssetType, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import { MissingBundleError } from '../errors';
import { writeLambdaZip } from './lambda-zip';

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

/** A function's deployment package: the zip as a Terraform asset and the hash Lambda compares. */
export interface LambdaCode {
  asset: TerraformAsset;
  /** Base64 SHA-256 of the zip, written literally into the plan (it changes only when the code does). */
  sourceCodeHash: string;
}

/** Folder (under the app's output folder) where the packages are zipped before cdktf copies them beside their stack. */
export const LAMBDA_ZIPS_DIR = '.lambda-zips';

/**
 * The function's dist/ folder as a deterministic zip (./lambda-zip), handed to cdktf as a FILE
 * asset. cdktf's own ARCHIVE assets stamp every entry with the file's mtime (archiver reads
 * it from disk), so each fresh build gave a new zip, a new source_code_hash and a plan that
 * rewrote every function.
 */
export function bundleAsset(scope: Construct, id: string, source: BundleSource, functionName: string): LambdaCode {
  const zips = path.resolve(App.of(scope).outdir, LAMBDA_ZIPS_DIR);
  const zip = writeLambdaZip(bundleDir(source, functionName), functionName, zips);
  return { asset: new TerraformAsset(scope, id, { path: zip.file, type: AssetType.FILE }), sourceCodeHash: zip.sourceCodeHash };
}
