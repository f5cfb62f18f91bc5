/**
 * Line handling and the documented normalization:
 * - a UTF-8 BOM (U+FEFF) and MLLP framing bytes (0x0B start block, 0x1C end block) at the
 *   start or end of a line are removed;
 * - every segment terminator (CR, LF, CRLF, mixed) becomes CR;
 * - blank lines (empty, or only blanks once framing bytes are removed) are dropped;
 * - the text ends with one CR.
 * Nothing inside a line is changed.
 */
export interface Line {
  text: string;
  /** 1-based line number in the input, blank lines not counted (see LineTable.line). */
  line: number;
}

const isFraming = (c: number): boolean => c === 0xfeff || c === 0x0b || c === 0x1c;

/**
 * The non-blank lines of a text as offsets into it (no line is sliced): line i is
 * `text.slice(start[i], end[i])`, framing bytes already trimmed, and is line `line[i]` of the
 * text. Line numbers do not count blank lines (`line[i]` is i + 1), so a message numbers its
 * lines the same whether it comes with blank lines, normalized, or cut from a file by
 * splitMessages; the parser reads segments straight from `text` with these offsets.
 */
export interface LineTable {
  readonly text: string;
  readonly count: number;
  readonly start: readonly number[];
  readonly end: readonly number[];
  readonly line: readonly number[];
  /**
   * The text holds a UTF-16 surrogate code unit (paired or not). Tested once per text: a
   * one-byte string (Latin-1 text) answers at once; JSON must escape a lone surrogate half.
   */
  readonly surrogates: boolean;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Texts longer than this get their line tables sized before the scan (see scanLines). */
const PRESIZE_FROM = 64 * 1024;

/** Occurrences of a one-character string in a text. */
function count(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
}

function isBlankRange(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/**
 * Scans text into its non-blank lines (see LineTable); CR, LF, CRLF and mixed terminators.
 * With `until`, the scan stops after the first line it accepts (readHeader: the lines up to
 * the first MSH, not the million segments after it).
 */
export function scanLines(s: string, until?: (text: string, from: number, to: number) => boolean): LineTable {
  const len = s.length;
  // A long text's tables are sized once from its terminators (a bound): growing three arrays to
  // a million entries each by push costs several times more than filling them.
  const bound = len > PRESIZE_FROM && until === undefined ? count(s, '\r') + count(s, '\n') + 1 : 0;
  const starts: number[] = bound > 0 ? new Array<number>(bound) : [];
  const ends: number[] = bound > 0 ? new Array<number>(bound) : [];
  const lines: number[] = bound > 0 ? new Array<number>(bound) : [];
  let n = 0;
  let start = 0;
  let cr = s.indexOf('\r');
  let lf = s.indexOf('\n');
  while (start <= len) {
    if (cr >= 0 && cr < start) cr = s.indexOf('\r', start);
    if (lf >= 0 && lf < start) lf = s.indexOf('\n', start);
    let end: number;
    let next: number;
    if (cr < 0 && lf < 0) {
      end = len;
      next = len + 1;
    } else if (lf < 0 || (cr >= 0 && cr < lf)) {
      end = cr;
      next = lf === cr + 1 ? cr + 2 : cr + 1;
    } else {
      end = lf;
      next = lf + 1;
    }
    let from = start;
    let to = end;
    while (from < to && isFraming(s.charCodeAt(from))) from++;
    while (to > from && isFraming(s.charCodeAt(to - 1))) to--;
    if (from < to && !isBlankRange(s, from, to)) {
      starts[n] = from;
      ends[n] = to;
      lines[n] = ++n;
      if (until?.(s, from, to) === true) break;
    }
    start = next;
  }
  if (bound > 0) {
    starts.length = n;
    ends.length = n;
    lines.length = n;
  }
  return { text: s, count: n, start: starts, end: ends, line: lines, surrogates: SURROGATE.test(s) };
}

/** Text of line i of a table. */
export function lineText(t: LineTable, i: number): string {
  return t.text.slice(t.start[i] as number, t.end[i] as number);
}

/** The lines of a table as Line objects. */
export function tableLines(t: LineTable): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < t.count; i++) out.push({ text: lineText(t, i), line: t.line[i] as number });
  return out;
}

/** Splits text into non-blank lines with their 1-based line numbers (blank lines not counted). */
export function splitLines(s: string): Line[] {
  return tableLines(scanLines(s));
}

/** isSegmentLine over text[from, to). */
export function isSegmentAt(text: string, from: number, to: number, fieldSeparator: number): boolean {
  if (to - from < 3) return false;
  const a = text.charCodeAt(from);
  if (!(a >= 0x41 && a <= 0x5a)) return false;
  for (let i = from + 1; i < from + 3; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return to - from === 3 || text.charCodeAt(from + 3) === fieldSeparator;
}

/** isMshLine over text[from, to). */
export function isMshAt(text: string, from: number, to: number): boolean {
  if (to - from < 4 || text.charCodeAt(from) !== 0x4d || text.charCodeAt(from + 1) !== 0x53 || text.charCodeAt(from + 2) !== 0x48) return false;
  const c = text.charCodeAt(from + 3);
  return !(c <= 0x20 || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
}

/** True when the line is a segment: a 3-character id (letter, then letters or digits) then the field separator or the end. */
export function isSegmentLine(text: string, fieldSeparator: string): boolean {
  if (text.length < 3) return false;
  const a = text.charCodeAt(0);
  if (!(a >= 0x41 && a <= 0x5a)) return false;
  for (let i = 1; i < 3; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return text.length === 3 || text.charAt(3) === fieldSeparator;
}

/** True for a header line that starts a message (MSH + any separator character). */
export function isMshLine(text: string): boolean {
  if (text.length < 4 || !text.startsWith('MSH')) return false;
  const c = text.charCodeAt(3);
  return !(c <= 0x20 || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
}
export const isEnvelopeId = (id: string): boolean => id === 'FHS' || id === 'BHS' || id === 'BTS' || id === 'FTS';

/** The lines joined by CR, with a trailing CR; one flat string (a message may have a million lines). */
export const joinLines = (lines: readonly Line[]): string => {
  const texts = new Array<string>(lines.length + 1);
  for (let i = 0; i < lines.length; i++) texts[i] = (lines[i] as Line).text;
  texts[lines.length] = '';
  return texts.join('\r');
};
