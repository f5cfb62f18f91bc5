import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BundleSource } from './constructs/bundle';
import { InfraError } from './errors';

/** Bundles (functions/<name>/dist/index.mjs) missing under the source. */
export function missingBundles(source: BundleSource, names: readonly string[]): string[] {
  return names.filter((name) => !existsSync(path.join(source.functionsRoot, name, 'dist', 'index.mjs')));
}

/**
 * Builds every function bundle (`node scripts/bundle.mjs --all` at the repository root) when
 * one the stacks deploy is missing, so `pnpm synth` works on a fresh clone.
 */
export function ensureBundles(source: BundleSource, names: readonly string[], repoRoot: string): void {
  const missing = missingBundles(source, names);
  if (missing.length === 0) return;
  console.log(`Building the Lambda bundles (missing: ${missing.join(', ')})`);
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'bundle.mjs'), '--all'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new InfraError(`scripts/bundle.mjs --all failed (exit ${String(result.status)})`);
  const still = missingBundles(source, names);
  if (still.length > 0) throw new InfraError(`bundles still missing after the build: ${still.join(', ')}`);
}
