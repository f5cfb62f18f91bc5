/**
 * Timing helper for the dictionary validation phase alone (not part of the benchmark run):
 * times `validateMessage(p, structureOf(p))` over pre-parsed generated messages and prints
 * microseconds per message, per wall second and per CPU second of this process (the CPU
 * figure moves less when other work shares the machine), as the median of one-second rounds.
 *
 *   npx tsx bench/src/tools/validate-phase.ts [seconds=5] [count=200] [seed=20240601] [hl7v2-index]
 *   node --cpu-prof --cpu-prof-dir=/tmp/vprof --import tsx bench/src/tools/validate-phase.ts
 *   npx tsx bench/src/tools/summarize-profile.ts /tmp/vprof/<file>.cpuprofile 40
 *
 * For an A/B comparison give `hl7v2-index`, the src/index.ts of another copy of the package
 * (e.g. the last commit: `git archive HEAD packages/hl7v2 | tar -x -C /tmp/base`, then
 * `/tmp/base/packages/hl7v2/src/index.ts`), and run both variants back to back, in turn and
 * several times (in separate processes: two copies loaded in one process were measured
 * unequal, the second one 10-35 % slower with the very same code).
 * Keep the retained set small (a few hundred trees): thousands of retained parsed messages
 * slow every phase down through garbage collection.
 */
import { generateMessages } from '../generator';

const [seconds = '5', count = '200', seed = '20240601', index] = process.argv.slice(2);
const { parseMessage, structureOf, validateMessage } = (await import(index ?? '@hcdl/hl7v2')) as typeof import('@hcdl/hl7v2');
const parsed = generateMessages(Number(count), Number(seed)).map((m) => parseMessage(m));

/** One pass over every message; returns the number of diagnostics (kept so nothing is elided). */
function pass(): number {
  let n = 0;
  for (const p of parsed) n += validateMessage(p, structureOf(p)).length;
  return n;
}

const perMessage = pass() / parsed.length;
for (let w = 0; w < 20; w++) pass();
const wallUs: number[] = [];
const cpuUs: number[] = [];
for (let s = 0; s < Number(seconds); s++) {
  const t0 = process.hrtime.bigint();
  const before = process.cpuUsage();
  let messages = 0;
  while (process.hrtime.bigint() - t0 < 1_000_000_000n) {
    pass();
    messages += parsed.length;
  }
  const used = process.cpuUsage(before);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  wallUs.push(wall / messages);
  cpuUs.push((used.user + used.system) / messages);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
process.stdout.write(
  `validateMessage: ${perMessage.toFixed(2)} diagnostics/msg; median ${median(wallUs).toFixed(2)} us/msg wall, ` +
    `${median(cpuUs).toFixed(2)} us/msg cpu (cpu rounds ${cpuUs.map((x) => x.toFixed(1)).join(' ')})\n`,
);
