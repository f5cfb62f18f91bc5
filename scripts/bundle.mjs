#!/usr/bin/env node
// Bundles a Lambda function with esbuild: src/handler.ts -> dist/index.mjs (+ .map).
// ESM, platform node, target node22, minified, source maps; the AWS SDK v3 stays external
// (the Lambda nodejs22.x runtime provides it). Prints each bundle's size and fails when one
// is over the budget (250 KB minified).
//
//   cd functions/<name> && node ../../scripts/bundle.mjs     (one function: the cwd)
//   node scripts/bundle.mjs --all                            (every functions/* with src/handler.ts)
//   node scripts/bundle.mjs functions/front-door ...         (the named folders)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packGeneratedStrings, sideEffectFree } from './bundle-plugins.mjs';

export const MAX_BUNDLE_BYTES = 250 * 1024;

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'hcdl-bundle');

// Only when a bundled dependency is CommonJS (it may call require()): give it one.
const REQUIRE_BANNER = "import { createRequire as __hcdlCreateRequire } from 'node:module'; const require = __hcdlCreateRequire(import.meta.url);";

/**
 * esbuild as installed for the function (each function has it as a devDependency); a folder
 * outside functions/ (test fixtures) borrows the first function's.
 */
async function loadEsbuild(dir) {
  const candidates = [dir, ...functionDirs()];
  for (const from of candidates) {
    let resolved;
    try {
      resolved = createRequire(path.join(from, 'package.json')).resolve('esbuild');
    } catch {
      continue;
    }
    const mod = await import(pathToFileURL(resolved).href);
    return mod.build ? mod : mod.default;
  }
  throw new Error('esbuild is not installed (run pnpm install)');
}

/**
 * Builds one function folder into `<outDir>/index.mjs` (+ .map); outDir defaults to
 * `<dir>/dist`. Returns { name, bytes, outfile }; the caller judges the size budget.
 */
export async function bundleFunction(dir, outDir = path.join(dir, 'dist')) {
  const entry = path.join(dir, 'src', 'handler.ts');
  if (!existsSync(entry)) throw new Error(`${path.relative(root, dir) || dir}: no src/handler.ts`);
  const esbuild = await loadEsbuild(dir);
  const outfile = path.join(outDir, 'index.mjs');
  const options = {
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    external: ['@aws-sdk/*'],
    mainFields: ['module', 'main'],
    conditions: ['module', 'import'],
    metafile: true,
    plugins: [sideEffectFree(root), packGeneratedStrings(cacheDir, root)],
    logLevel: 'warning',
  };
  const result = await esbuild.build(options);
  const cjs = Object.values(result.metafile.inputs).some((input) => input.format === 'cjs');
  if (cjs) await esbuild.build({ ...options, banner: { js: REQUIRE_BANNER } });
  const bytes = statSync(outfile).size;
  return { name: path.basename(dir), bytes, outfile };
}

/** Every functions/* folder with a src/handler.ts, sorted. */
function functionDirs() {
  const base = path.join(root, 'functions');
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(base, d.name, 'src', 'handler.ts')))
    .map((d) => path.join(base, d.name))
    .sort();
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function main(argv) {
  const dirs = argv.includes('--all') ? functionDirs() : argv.length > 0 ? argv.map((a) => path.resolve(a)) : [process.cwd()];
  if (dirs.length === 0) throw new Error('no function with src/handler.ts found');
  let failed = 0;
  for (const dir of dirs) {
    const { name, bytes } = await bundleFunction(dir);
    const over = bytes > MAX_BUNDLE_BYTES;
    if (over) failed++;
    console.log(`${name.padEnd(16)} dist/index.mjs ${kb(bytes).padStart(9)}${over ? `  OVER the ${kb(MAX_BUNDLE_BYTES)} budget` : ''}`);
  }
  if (failed > 0) {
    console.error(`${failed} bundle(s) over ${kb(MAX_BUNDLE_BYTES)} minified`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
