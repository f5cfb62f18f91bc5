/** The line of a message that holds the most bytes: its segment id, repetition and position. */
export interface LargestSegment {
  /** The three-character segment id, when the line starts with one (letters and digits). */
  segment?: string;
  /** Which occurrence of that segment id it is (1-based). */
  segmentRepetition?: number;
  /** 1-based line number. */
  line: number;
  bytes: number;
  totalBytes: number;
}

const CR = 0x0d;
const LF = 0x0a;

const isIdByte = (b: number | undefined): boolean => b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a));

/**
 * One pass over the bytes, splitting lines at CR or LF: the longest line and where it is. It
 * reads only line breaks and the first three bytes of each line (never field content), so it
 * is linear and cheap whatever the message holds.
 */
export function largestSegment(raw: Uint8Array): LargestSegment {
  const seen = new Map<string, number>();
  let best: LargestSegment = { line: 1, bytes: 0, totalBytes: raw.byteLength };
  let line = 0;
  let start = 0;
  const close = (end: number): void => {
    if (end <= start) return;
    line++;
    let id: string | undefined;
    if (end - start >= 3 && isIdByte(raw[start]) && isIdByte(raw[start + 1]) && isIdByte(raw[start + 2])) {
      id = String.fromCharCode(raw[start] as number, raw[start + 1] as number, raw[start + 2] as number);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    if (end - start > best.bytes) {
      best = { line, bytes: end - start, totalBytes: raw.byteLength };
      if (id !== undefined) {
        best.segment = id;
        best.segmentRepetition = seen.get(id) as number;
      }
    }
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
