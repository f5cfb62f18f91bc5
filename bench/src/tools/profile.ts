/**
 * Profiling and A/B helper (not part of the benchmark run): runs one runner in a loop so that
 * `node --cpu-prof --import tsx bench/src/tools/profile.ts <runner> [seconds]` writes a CPU
 * profile of just that work (`summarize-profile.ts` prints its hottest functions). It prints
 * the median rate of one-second windows both per wall second and per CPU second of this
 * process (the CPU figure moves less when other work shares the machine).
 */
import { generateMessages } from '../generator';
import { timeRunner } from '../measure';
import { findRunner } from '../runners/index';

const [id = 'ours', seconds = '5', count = '2000', seed = '20240601'] = process.argv.slice(2);
const runner = findRunner(id);
if (runner === undefined) {
  process.stderr.write(`unknown runner ${id}\n`);
  process.exit(2);
}
const messages = generateMessages(Number(count), Number(seed));
const encoder = new TextEncoder();
const bytes = messages.map((m) => encoder.encode(m));
const parse = await runner.load();
timeRunner(parse, messages, bytes, 0.5);
const wall: number[] = [];
const cpu: number[] = [];
for (let s = 0; s < Number(seconds); s++) {
  const before = process.cpuUsage();
  const m = timeRunner(parse, messages, bytes, 1);
  const used = process.cpuUsage(before);
  wall.push(Math.round(m.messages / m.seconds));
  cpu.push(Math.round(m.messages / ((used.user + used.system) / 1e6)));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
process.stdout.write(`${id}: median ${median(wall)} msgs/s wall, ${median(cpu)} msgs/cpu-s (wall windows ${wall.join(' ')})\n`);
