/** The timed loop shared by every runner (run inside that runner's own child process). */
import type { ParseAll } from './runners/types';

export interface Measurement {
  messages: number;
  bytes: number;
  seconds: number;
  /** Leaf values materialized per pass over the distinct messages (sanity figure). */
  leavesPerPass: number;
}

/** Parses the messages round-robin for `seconds`, checking the clock every 32 messages. */
export function timeRunner(parse: ParseAll, messages: readonly string[], byteSizes: readonly number[], seconds: number): Measurement {
  const limit = seconds * 1000;
  const start = performance.now();
  let count = 0;
  let bytes = 0;
  let i = 0;
  let elapsed = 0;
  for (;;) {
    for (let k = 0; k < 32; k++) {
      parse(messages[i] as string);
      bytes += byteSizes[i] as number;
      count++;
      i++;
      if (i === messages.length) i = 0;
    }
    elapsed = performance.now() - start;
    if (elapsed >= limit) break;
  }
  return { messages: count, bytes, seconds: elapsed / 1000, leavesPerPass: 0 };
}

/** One full pass that counts the leaves each runner materializes. */
export function countLeaves(parse: ParseAll, messages: readonly string[]): number {
  let leaves = 0;
  for (const m of messages) leaves += parse(m);
  return leaves;
}
