#!/usr/bin/env node
// Runs jest in native ESM mode with the repository's one configuration.
// Usage from a workspace: `node ../../scripts/jest.mjs` (runs that workspace's tests);
// from the root: `node scripts/jest.mjs [jest args]`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const args = process.argv.slice(2);
const cwd = process.cwd();
// From inside a workspace, restrict the run to that workspace's files.
const scope = cwd !== root && cwd.startsWith(root) ? [cwd] : [];
const result = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jestBin, '--config', path.join(root, 'jest.config.mjs'), ...args, ...scope],
  { stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1' } },
);
process.exit(result.status ?? 1);
