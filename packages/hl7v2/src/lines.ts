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
  /** 1-based line number in the input. */
  line: number;
}

const isFraming = (c: number): boolean => c === 0xfeff || c === 0x0b || c === 0x1c;

function clean(s: string, from: number, to: number): string {
  while (from < to && isFraming(s.charCodeAt(from))) from++;
  while (to > from && isFraming(s.charCodeAt(to - 1))) to--;
  return s.slice(from, to);
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** Splits text into non-blank lines with their 1-based input line numbers. */
export function splitLines(s: string): Line[] {
  const out: Line[] = [];
  const len = s.length;
  let start = 0;
  let lineNo = 1;
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
    const text = clean(s, start, end);
    if (text !== '' && !isBlank(text)) out.push({ text, line: lineNo });
    lineNo++;
    start = next;
  }
  return out;
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

export const joinLines = (lines: readonly Line[]): string => {
  let out = '';
  for (const l of lines) out += `${l.text}\r`;
  return out;
};
