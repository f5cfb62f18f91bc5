/**
 * Profiling helper (not part of the benchmark run): runs one runner in a loop so that
 * `node --cpu-prof --import tsx bench/src/tools/profile.ts <runner> [seconds]` writes a
 * CPU profile of just that work; `summarize-profile.ts` prints its hottest functions.
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
const sizes = messages.map((m) => Buffer.byteLength(m));
const parse = await runner.load();
timeRunner(parse, messages, sizes, 0.5);
const m = timeRunner(parse, messages, sizes, Number(seconds));
process.stdout.write(`${id}: ${Math.round(m.messages / m.seconds)} msgs/s\n`);
