import { type LineLocation, LineLocations } from '@hcdl/core';

/** The line of a message that holds the most bytes: its line number, segment id and repetition (LineLocation). */
export interface LargestSegment extends LineLocation {
  bytes: number;
  totalBytes: number;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * One pass over the bytes, splitting lines at CR or LF: the longest line and where it is. It
 * reads only line breaks and the first three bytes of each line (never field content), so it
 * is linear and cheap whatever the message holds.
 */
export function largestSegment(raw: Uint8Array): LargestSegment {
  const lines = new LineLocations(raw);
  let best: LargestSegment = { line: 1, bytes: 0, totalBytes: raw.byteLength };
  let start = 0;
  const close = (end: number): void => {
    if (end <= start) return;
    lines.count(start, end);
    if (end - start > best.bytes) best = { ...lines.last(), bytes: end - start, totalBytes: raw.byteLength };
  };
  for (let i = 0; i < raw.byteLength; i++) {
    const b = raw[i];
    if (b === CR || b === LF) {
      close(i);
      start = i + 1;
    }
  }
  close(raw.byteLength);
  return best;
}
