#!/usr/bin/env node
// Runs the whole suite (the README's test command) several times in a row while CPU-bound
// processes compete for the machine, as on a shared CI runner or a busy laptop, and reports
// each run's closing line, duration and load. Fails when any run has a failure.
//
//   node scripts/test-under-load.mjs [--runs 3] [--hogs 2] [--stress-ng] [-- <test-all args>]
//
// Hogs are `node -e "for(;;){}"` loops at normal priority (one per core of a 2-core machine
// keeps the load average above the core count), or `stress-ng --cpu <hogs>` with --stress-ng
// when it is installed (Debian: apt-get install -y stress-ng). They are stopped at the end,
// also on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '3' }, hogs: { type: 'string', default: '2' }, 'stress-ng': { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
const hogCount = Number(values.hogs);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(hogCount) || hogCount < 0) {
  console.error('usage: node scripts/test-under-load.mjs [--runs N>=1] [--hogs N>=0] [--stress-ng] [-- <test-all args>]');
  process.exit(2);
}

/** The competing load: started once, for every run. */
function startHogs() {
  if (hogCount === 0) return [];
  if (values['stress-ng']) {
    if (spawnSync('stress-ng', ['--version']).status !== 0) {
      console.error('stress-ng is not installed (apt-get install -y stress-ng), or drop --stress-ng to use node loops');
      process.exit(2);
    }
    return [spawn('stress-ng', ['--cpu', String(hogCount), '--quiet'], { stdio: 'ignore' })];
  }
  return Array.from({ length: hogCount }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

const hogs = startHogs();
const stopHogs = () => {
  for (const h of hogs) if (h.exitCode === null) h.kill('SIGKILL');
};
process.on('exit', stopHogs);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

/** One run of the suite; resolves with its closing line, duration and the load seen meanwhile. */
function runSuite() {
  return new Promise((resolve) => {
    const started = Date.now();
    const loads = [];
    const sampler = setInterval(() => loads.push(loadavg()[0]), 5_000);
    const child = spawn(process.execPath, [path.join(root, 'scripts/test-all.mjs'), ...positionals], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code) => {
      clearInterval(sampler);
      const m = /(\d+) passed, (\d+) failed\s*$/.exec(tail.trimEnd());
      resolve({
        code,
        passed: m ? Number(m[1]) : 0,
        failed: m ? Number(m[2]) : 1,
        seconds: Math.round((Date.now() - started) / 1000),
        load: loads.length === 0 ? loadavg()[0] : Math.max(...loads),
      });
    });
  });
}

const results = [];
for (let i = 1; i <= runs; i++) {
  console.log(`\n=== run ${i} of ${runs}, ${hogs.length > 0 ? `${hogCount} CPU hog(s) competing` : 'no competing load'} ===`);
  results.push(await runSuite());
}
stopHogs();

console.log('\nrun  passed  failed  seconds  peak load (1 min)');
results.forEach((r, i) =>
  console.log(
    `${String(i + 1).padStart(3)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.seconds).padStart(7)}  ${r.load.toFixed(1)}`,
  ),
);
const bad = results.filter((r) => r.failed > 0 || r.code !== 0).length;
console.log(bad === 0 ? `all ${runs} runs passed under load` : `${bad} of ${runs} runs failed under load`);
process.exit(bad === 0 ? 0 : 1);
