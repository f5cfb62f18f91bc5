/** The timed loop shared by every runner (run inside that runner's own child process). */
import type { ParseAll } from './runners/types';

export interface Measurement {
  messages: number;
  bytes: number;
  seconds: number;
  /**
   * CPU seconds (user + system) of the child process over the timed loop: unlike wall time,
   * they do not count the time other work on the machine took the CPU away (they do count the
   * garbage collector's helper threads).
   */
  cpuSeconds: number;
  /** Leaf values materialized per pass over the distinct messages (sanity figure). */
  leavesPerPass: number;
}

/** Parses the messages round-robin for `seconds`, checking the clock every 32 messages. */
export function timeRunner(parse: ParseAll, messages: readonly string[], bytes: readonly Uint8Array[], seconds: number): Measurement {
  const limit = seconds * 1000;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let count = 0;
  let total = 0;
  let i = 0;
  let elapsed = 0;
  for (;;) {
    for (let k = 0; k < 32; k++) {
      const b = bytes[i] as Uint8Array;
      parse(messages[i] as string, b);
      total += b.length;
      count++;
      i++;
      if (i === messages.length) i = 0;
    }
    elapsed = performance.now() - start;
    if (elapsed >= limit) break;
  }
  const used = process.cpuUsage(cpu);
  return { messages: count, bytes: total, seconds: elapsed / 1000, cpuSeconds: (used.user + used.system) / 1e6, leavesPerPass: 0 };
}

/** One full pass that counts the leaves each runner materializes. */
export function countLeaves(parse: ParseAll, messages: readonly string[], bytes: readonly Uint8Array[]): number {
  let leaves = 0;
  for (let i = 0; i < messages.length; i++) leaves += parse(messages[i] as string, bytes[i] as Uint8Array);
  return leaves;
}
