import { randomBytes } from 'node:crypto';

/**
 * Helpers shared by the contract suites. Every suite names its keys, sources and patients
 * with a fresh random tag, so the suites also hold when a factory hands out one shared
 * bucket or table for all tests (as a server-backed adapter may do).
 */
export function uniqueTag(prefix = 't'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Settles all promises and splits them into fulfilled values and rejection reasons. */
export async function settleAll<T>(promises: Promise<T>[]): Promise<{ fulfilled: T[]; rejected: unknown[] }> {
  const results = await Promise.allSettled(promises);
  const fulfilled: T[] = [];
  const rejected: unknown[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') fulfilled.push(r.value);
    else rejected.push(r.reason);
  }
  return { fulfilled, rejected };
}

/** Plain sorted copy (code-unit order, which is byte order for the ASCII keys used here). */
/** Keys in S3's list order: by their UTF-8 bytes (not JavaScript's UTF-16 code units). */
export const sorted = (items: readonly string[]): string[] => [...items].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A message id (ULID) for a given millisecond, with a random tail. Unlike newMessageId it
 * does not clamp to the process's last id time, so suites can place records in the past.
 */
export function messageIdAt(ms: number): string {
  let time = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD.charAt(t % 32) + time;
  const tail = Array.from(randomBytes(16), (b) => CROCKFORD.charAt(b & 31)).join('');
  return time + tail;
}
