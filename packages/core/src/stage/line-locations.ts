/** Where a line of a message is: its 1-based number, and the segment id it starts with and which occurrence of that id it is. */
export interface LineLocation {
  line: number;
  segment?: string;
  segmentRepetition?: number;
}

const isIdByte = (b: number | undefined): boolean => b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a));

/**
 * Numbers the lines of a message's bytes as a pass over them meets each line's end, and counts
 * the segment ids the lines start with (three capital letters or digits), reading only the
 * first three bytes of a line: the location of the line counted last, for a located diagnostic
 * of a scan that never parses (the staging heap estimate, the largest segment of a message
 * over a staging limit).
 */
export class LineLocations {
  private line = 0;
  private id: string | undefined;
  private readonly seen = new Map<string, number>();

  constructor(private readonly raw: Uint8Array) {}

  /** Counts the line raw[start, end) (a line that is not empty: end > start). */
  count(start: number, end: number): void {
    const raw = this.raw;
    this.line++;
    this.id = undefined;
    if (end - start >= 3 && isIdByte(raw[start]) && isIdByte(raw[start + 1]) && isIdByte(raw[start + 2])) {
      this.id = String.fromCharCode(raw[start] as number, raw[start + 1] as number, raw[start + 2] as number);
      this.seen.set(this.id, (this.seen.get(this.id) ?? 0) + 1);
    }
  }

  /** The location of the line counted last. */
  last(): LineLocation {
    return this.id === undefined ? { line: this.line } : { line: this.line, segment: this.id, segmentRepetition: this.seen.get(this.id) as number };
  }
}
