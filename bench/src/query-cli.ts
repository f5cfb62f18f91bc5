/**
 * `hcdl query` as a process, for bench:query's end-to-end figure: started as `pnpm hcdl` does
 * today (node + tsx compiling the TypeScript sources on the fly), and as plain node on one
 * esbuild bundle of the CLI (what a compiled `bin` runs). Each run is a new process: Node's
 * start, loading the CLI, opening the engine on the lake, the query, the output.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(REPO, 'packages/local/src/cli/main.ts');
/** Inside packages/local, so the bundle's external packages resolve from its node_modules. */
const BUNDLE_DIR = path.join(REPO, 'packages/local/.bench-bin');

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** esbuild as the function packages install it (bench borrows it, as scripts/bundle.mjs does for fixtures). */
async function loadEsbuild(): Promise<Esbuild> {
  const resolved = createRequire(path.join(REPO, 'functions/front-door/package.json')).resolve('esbuild');
  const mod = (await import(pathToFileURL(resolved).href)) as Esbuild & { default?: Esbuild };
  return mod.default ?? mod;
}

/**
 * Bundles the CLI and its dependencies, but for the native ones (DuckDB, SQLite) loaded from
 * packages/local; the commands' dynamic imports become chunks loaded when used, as in the
 * sources. The entry keeps the name main.mjs under cli/ (main.ts runs when so started).
 */
export async function bundleCli(): Promise<string> {
  const esbuild = await loadEsbuild();
  const local = createRequire(path.join(REPO, 'packages/local/package.json'));
  const native: Record<string, string> = {
    'better-sqlite3': local.resolve('better-sqlite3'),
    '@duckdb/node-bindings': createRequire(local.resolve('@duckdb/node-api')).resolve('@duckdb/node-bindings'),
  };
  const outdir = path.join(BUNDLE_DIR, 'cli');
  await mkdir(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: [MAIN],
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    plugins: [
      {
        name: 'native-external',
        setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => { path: string; external: boolean }): void }) {
          // DuckDB's JavaScript is bundled (about 200 CommonJS files to resolve and load
          // otherwise); its native binding and SQLite's are loaded from where pnpm put them.
          build.onResolve({ filter: /^(@duckdb\/node-bindings|better-sqlite3)$/ }, (args) => ({ path: native[args.path] as string, external: true }));
        },
      },
    ],
  });
  return path.join(outdir, 'main.mjs');
}

export const removeBundle = (): Promise<void> => rm(BUNDLE_DIR, { recursive: true, force: true });

export type CliKind = 'tsx' | 'bundle';

/** Runs `hcdl <args>` once; returns its wall time (ms) and output. Fails on a non-zero exit. */
export function runCli(kind: CliKind, bundle: string, args: readonly string[]): { ms: number; stdout: string } {
  const argv = kind === 'tsx' ? ['--import', 'tsx', MAIN, ...args] : [bundle, ...args];
  const t0 = performance.now();
  const res = spawnSync(process.execPath, argv, { cwd: REPO, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 300_000 });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`hcdl ${args[0]} (${kind}) exited ${res.status}: ${res.stderr.split('\n')[0]}`);
  return { ms, stdout: res.stdout };
}
