#!/usr/bin/env node
// Runs every workspace's tests in one jest invocation and ends with the plain line
// `N passed, N failed` that CI reads (jest's own summary is not that line).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, '.jest-results.json');
rmSync(out, { force: true });
const run = spawnSync(process.execPath, [path.join(root, 'scripts/jest.mjs'), '--json', `--outputFile=${out}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(out, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  skipped = results.numPendingTests + results.numTodoTests;
} catch {
  failed = Math.max(1, failed);
}
const code = run.status === 0 && failed === 0 ? 0 : 1;
if (skipped) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(code);
