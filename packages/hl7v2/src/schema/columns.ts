/**
 * Columns for dictionary diagnostics. The rules locate a finding by path (segment, field,
 * repetition, component, subcomponent); this finds where that place starts in the segment's
 * line, so every diagnostic carries a real column like the parser's own. The segment's ER7
 * is written again by serializeSegment, which gives back the line as sent (normalized), and
 * separators never occur inside escape sequences, so counting separators is exact.
 * Only run for diagnostics that have a field: messages without findings pay nothing.
 */
import type { Delimiters } from '../delimiters';
import type { Diagnostic } from '../diagnostics';
import type { Message, Segment } from '../model';
import { serializeSegment } from '../serialize';

const isHeader = (id: string): boolean => id === 'MSH' || id === 'FHS' || id === 'BHS';

/** Index just after the n-th occurrence of sep in text[from, to), or -1. */
function after(text: string, sep: string, n: number, from: number, to: number): number {
  let at = from;
  for (let k = 0; k < n; k++) {
    const i = sep === '' ? -1 : text.indexOf(sep, at);
    if (i < 0 || i >= to) return -1;
    at = i + 1;
  }
  return at;
}

/** `end`, or the first sep in text[from, end) when there is one ('' is a separator not declared). */
function cut(text: string, sep: string, from: number, end: number): number {
  if (sep === '') return end;
  const i = text.indexOf(sep, from);
  return i >= 0 && i < end ? i : end;
}

/** End of the part that starts at `from`: the first of the separators a, b, c, or `to`. */
function partEnd(text: string, a: string, b: string, c: string, from: number, to: number): number {
  return cut(text, c, from, cut(text, b, from, cut(text, a, from, to)));
}

/**
 * 0-based offset in the segment's line where the place starts; the end of the line when the
 * field or part was not sent (a missing required field points just past the last character).
 * Each level (repetition, component, subcomponent) moves to its n-th part inside the current
 * one, or only narrows the current part to its first when n is 1 or not given.
 */
export function offsetOf(text: string, id: string, d: Delimiters, field: number, repetition?: number, component?: number, subcomponent?: number): number {
  if (isHeader(id) && field <= 2) return field === 1 ? 3 : 4;
  // MSH: the separator at offset 3 is MSH-1 and starts MSH-2, so MSH-n follows the (n-1)-th.
  let at = after(text, d.field, isHeader(id) ? field - 1 : field, 0, text.length);
  if (at < 0) return text.length;
  let end = partEnd(text, d.field, '', '', at, text.length);
  const rs = d.repetition;
  const cs = d.component;
  const ss = d.subcomponent;
  if (repetition !== undefined && repetition > 1) {
    const next = after(text, rs, repetition - 1, at, end);
    if (next < 0) return end;
    at = next;
  }
  end = partEnd(text, rs, '', '', at, end);
  if (component !== undefined && component > 1) {
    const next = after(text, cs, component - 1, at, end);
    if (next < 0) return end;
    at = next;
  }
  end = partEnd(text, rs, cs, '', at, end);
  if (subcomponent !== undefined && subcomponent > 1) {
    const next = after(text, ss, subcomponent - 1, at, end);
    if (next < 0) return end;
    at = next;
  }
  return at;
}

/**
 * Sets the column of every diagnostic in `diagnostics` from index `from` on that names a field
 * of a segment of `message`. The rules report segment by segment, so the segment and line of
 * the previous finding are kept for the next one.
 */
export function locateColumns(message: Message, diagnostics: readonly Diagnostic[], from = 0): void {
  const segments = message.segments;
  let seg: Segment | undefined;
  let text = '';
  for (let k = from; k < diagnostics.length; k++) {
    const dg = diagnostics[k] as Diagnostic;
    if (dg.field === undefined || dg.segment === undefined) continue;
    if (seg === undefined || seg.line !== dg.line || seg.id !== dg.segment) {
      const i = findSegment(segments, dg.line, dg.segment);
      if (i < 0) continue;
      seg = segments[i] as Segment;
      // The line as parsed when the segment is unchanged (what serializing it would give back).
      text = seg.sourceText() ?? serializeSegment(seg, message.delimiters);
    }
    dg.column = offsetOf(text, seg.id, message.delimiters, dg.field, dg.repetition, dg.component, dg.subcomponent) + 1;
  }
}

/** Index of the first segment with that line and id, -1 if none. */
function findSegment(segments: readonly Segment[], line: number, id: string): number {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as Segment;
    if (s.line === line && s.id === id) return i;
  }
  return -1;
}
