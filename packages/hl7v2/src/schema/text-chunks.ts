/**
 * Long objects and arrays of staging JSON text in flat chunks. The writer builds text as V8
 * ropes (concatenations kept as trees, flattened once), the fastest way for real messages.
 * Hostile input makes one object or array long (a field of a million components): a rope of
 * millions of pieces then costs several times more per piece, its nodes spread over a large
 * heap. Such a text is cut every CHUNK members: each chunk is flattened while its pieces are
 * still in cache and kept, and the chunks are joined once at the end. Real messages never
 * reach a chunk's length, so they pay one test per member.
 */

/** Members (or elements) per chunk, a power of two. */
export const CHUNK = 1024;
const MASK = CHUNK - 1;

/**
 * Stands at the start of the text of an object continued after a chunk was cut off: the
 * members written before it make the next member not the first (it is written with a comma).
 */
const MORE = '\u0000';

/** True before member `i` (0-based) when the text so far should be cut off into a chunk. */
export function atChunk(i: number, out: string): boolean {
  return (i & MASK) === 0 && i > 0 && out !== '';
}

/** The text so far as a flat chunk, without the MORE mark. */
function chunkOf(out: string): string {
  // Reading a character flattens a rope (V8): its pieces are copied once, while in cache.
  return out.charCodeAt(0) === 0 ? out.slice(1) : out;
}

/** Keeps the text so far as a chunk; returns what the text of the object continues with. */
export function cutObject(parts: string[], out: string): string {
  parts.push(chunkOf(out));
  return MORE;
}

/** Keeps the text so far (of an array, or of a list that always adds its own comma) as a chunk. */
export function cutList(parts: string[], out: string): void {
  parts.push(chunkOf(out));
}

/** The whole text: the chunks kept, the rest, then `close`; '' when nothing was written. */
export function closeChunks(parts: string[] | undefined, out: string, close: string): string {
  if (parts === undefined) return out === '' ? '' : out + close;
  parts.push(chunkOf(out), close);
  return parts.join('');
}
