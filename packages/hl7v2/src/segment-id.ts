/**
 * Segment ids as the parser gives them: one string per id for the life of the process,
 * internalized, so that every later lookup by id (dictionary, layout, checks, the writer's
 * keys) finds its hash already computed and compares by identity. Ids of segments are an
 * upper-case letter then two upper-case letters or digits: at most 26 x 36 x 36 of them.
 */
import { flat } from './flat';

/** Made on first use, at its full size (a sparse array would fall back to a slow dictionary). */
let ids: (string | undefined)[] | undefined;

/** 0-35 for A-Z and 0-9, -1 for any other code. */
function rank(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 26;
  return -1;
}

/** The id of the segment whose line starts at `from` (its first three characters). */
export function segmentIdAt(text: string, from: number): string {
  const a = text.charCodeAt(from) - 0x41;
  const b = rank(text.charCodeAt(from + 1));
  const c = rank(text.charCodeAt(from + 2));
  if (a < 0 || a > 25 || b < 0 || c < 0 || from + 3 > text.length) return text.slice(from, from + 3);
  const i = (a * 36 + b) * 36 + c;
  ids ??= new Array<string | undefined>(26 * 36 * 36).fill(undefined);
  let id = ids[i];
  if (id === undefined) {
    id = flat(text.slice(from, from + 3));
    ids[i] = id;
  }
  return id;
}
