#!/usr/bin/env node
// Builds the `hcdl` CLI into plain JavaScript with esbuild: packages/local/src/cli/main.ts ->
// packages/local/dist/cli/main.mjs (the package's `bin`), each command's module a chunk
// loaded when that command runs, the staging worker as worker-entry.mjs and the refined stage's
// thread as refined-entry.mjs beside them.
// Native and thread-spawning packages (SQLite, DuckDB, piscina) and esbuild (the console is
// bundled at run time from its sources) stay external, loaded from
// packages/local/node_modules. A build-info.json lists the workspace files the bundle was
// made from, so `ensureCli()` rebuilds only when one of them (or the lockfile) changed.
//
//   node scripts/build-cli.mjs          (build now)
//   import { ensureCli } from './build-cli.mjs'   (build when missing or stale; returns main.mjs)
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const local = path.join(root, 'packages', 'local');
export const CLI_DIR = path.join(local, 'dist', 'cli');
export const CLI_MAIN = path.join(CLI_DIR, 'main.mjs');
const INFO = path.join(CLI_DIR, 'build-info.json');
const LOCK = path.join(local, 'dist', '.cli-build.lock');
/** A lock older than this was left by a build that died. */
const LOCK_STALE_MS = 5 * 60_000;

// CommonJS dependencies inside an ESM bundle may call require(): give them one.
const REQUIRE_BANNER = "import { createRequire as __hcdlCreateRequire } from 'node:module'; const require = __hcdlCreateRequire(import.meta.url);";

async function loadEsbuild() {
  const resolved = createRequire(path.join(local, 'package.json')).resolve('esbuild');
  const mod = await import(pathToFileURL(resolved).href);
  return mod.build ? mod : mod.default;
}

/** Builds the CLI; returns the path of main.mjs. */
export async function buildCli() {
  const esbuild = await loadEsbuild();
  const started = Date.now();
  const result = await esbuild.build({
    entryPoints: {
      main: path.join(local, 'src/cli/main.ts'),
      'worker-entry': path.join(local, 'src/staging/worker-thread.ts'),
      'refined-entry': path.join(local, 'src/runtime/refined-thread.ts'),
    },
    outdir: CLI_DIR,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'error',
    metafile: true,
    banner: { js: REQUIRE_BANNER },
    external: ['better-sqlite3', '@duckdb/node-api', 'piscina', 'esbuild'],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.includes('node_modules/'))
    .map((f) => path.relative(root, path.resolve(process.cwd(), f)));
  inputs.push('pnpm-lock.yaml', path.relative(root, self));
  writeFileSync(INFO, JSON.stringify({ builtAt: started, inputs }, null, 1));
  return CLI_MAIN;
}

/** Whether the bundle is missing or older than a file it was built from. */
export function cliIsStale() {
  if (!existsSync(CLI_MAIN) || !existsSync(INFO)) return true;
  let info;
  try {
    info = JSON.parse(readFileSync(INFO, 'utf8'));
  } catch {
    return true;
  }
  for (const f of info.inputs) {
    const file = path.join(root, f);
    if (!existsSync(file) || statSync(file).mtimeMs > info.builtAt) return true;
  }
  return false;
}

/**
 * The compiled CLI's main.mjs, built first when missing or stale. Processes starting at once
 * (two shells, parallel tests) build it once: the others wait for the lock, then find it fresh.
 */
export async function ensureCli() {
  while (cliIsStale()) {
    mkdirSync(path.dirname(LOCK), { recursive: true });
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) rmSync(LOCK, { force: true });
      else await sleep(200);
      continue;
    }
    try {
      if (cliIsStale()) await buildCli();
    } finally {
      rmSync(LOCK, { force: true });
    }
  }
  return CLI_MAIN;
}

if (process.argv[1] === self) {
  const t0 = Date.now();
  await buildCli();
  process.stderr.write(`built ${path.relative(root, CLI_MAIN)} in ${Date.now() - t0} ms\n`);
}
