#!/usr/bin/env node
// The README's test command (and CI's): a formatter check and a type check of every
// workspace, then every workspace's tests in one jest invocation. Ends with the plain line
// `N passed, N failed` that CI reads (jest's own summary is not that line); each of the two
// checks counts as one test (the type check is two: the Node workspaces and the console's browser code). `--no-checks` runs jest only; other arguments go to jest.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const withChecks = !args.includes('--no-checks');
const jestArgs = args.filter((a) => a !== '--no-checks');

let passed = 0;
let failed = 0;

/** Runs one check; its output is shown only when it fails. */
function check(name, command, commandArgs) {
  const started = Date.now();
  const run = spawnSync(command, commandArgs, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status === 0) {
    passed++;
    console.log(`check ${name}: ok (${seconds} s)`);
    return;
  }
  failed++;
  console.log(`check ${name}: FAILED (${seconds} s)`);
  process.stdout.write(run.stdout ?? '');
  process.stdout.write(run.stderr ?? '');
  if (run.error !== undefined) console.log(String(run.error));
}

if (withChecks) {
  // Biome: the one formatter of the tree (biome.json); `biome format --write .` fixes a failure.
  check('format (biome)', process.execPath, [require.resolve('@biomejs/biome/bin/biome'), 'format', '.']);
  // One TypeScript program over every workspace's sources and tests (tsconfig.json).
  check('types (tsc)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  // The console's browser code: DOM types, none of Node's (packages/console/web).
  check('types (console, tsc)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'packages/console/tsconfig.web.json', '--noEmit']);
}

const out = path.join(root, '.jest-results.json');
rmSync(out, { force: true });
const run = spawnSync(process.execPath, [path.join(root, 'scripts/jest.mjs'), '--json', `--outputFile=${out}`, ...jestArgs], {
  stdio: 'inherit',
  cwd: root,
});
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(out, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  skipped = results.numPendingTests + results.numTodoTests;
  if (run.status !== 0 && results.numFailedTests === 0 && (results.numRuntimeErrorTestSuites ?? 0) === 0) failed++;
} catch {
  failed++;
}
if (skipped) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && run.status === 0 ? 0 : 1);
