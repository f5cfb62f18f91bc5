/**
 * Child process entry: runs ONE runner so that its peak RSS is its own.
 * argv: <runner id> <messages> <duration> <warmup> <seed>. Prints one `RESULT {json}` line.
 */
import { generateMessages } from './generator';
import { countLeaves, timeRunner } from './measure';
import { findRunner } from './runners/index';

export interface ChildResult {
  id: string;
  ok: boolean;
  reason?: string;
  messages?: number;
  bytes?: number;
  seconds?: number;
  cpuSeconds?: number;
  leavesPerPass?: number;
  /** RSS (bytes) after generating the input, before loading the library. */
  baselineRss: number;
  /** Peak RSS (bytes) of the whole child process. */
  peakRss: number;
  /** msgs/s of every round, when the runner ran several (set by the parent). */
  rounds?: number[];
  /** msgs per CPU second of every round (set by the parent). */
  cpuRounds?: number[];
}

function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const [id = '', count = '2000', duration = '3', warmup = '1', seed = '20240601'] = process.argv.slice(2);
  const runner = findRunner(id);
  const messages = generateMessages(Number(count), Number(seed));
  const encoder = new TextEncoder();
  const bytes = messages.map((m) => encoder.encode(m));
  const baselineRss = process.memoryUsage.rss();
  let result: ChildResult;
  if (runner === undefined) {
    result = { id, ok: false, reason: 'unknown runner', baselineRss, peakRss: peakRss() };
  } else {
    try {
      const parse = await runner.load();
      const leavesPerPass = countLeaves(parse, messages, bytes);
      timeRunner(parse, messages, bytes, Number(warmup));
      const m = timeRunner(parse, messages, bytes, Number(duration));
      result = { id, ok: true, ...m, leavesPerPass, baselineRss, peakRss: peakRss() };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error);
      result = { id, ok: false, reason, baselineRss, peakRss: peakRss() };
    }
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

await main();
