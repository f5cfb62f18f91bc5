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

/** Where the parts of one segment's line start, worked out once per segment and field. */
export class LineIndex {
  readonly text: string;
  readonly #d: Delimiters;
  readonly #header: boolean;
  /** Offsets just after the field separators of the line found so far, in order. */
  readonly #afterFs: number[] = [];
  /** Where the search for the next field separator goes on (-1: the end of the line was reached). */
  #fsFrom = 0;
  /** Per field separator count: offsets just after each repetition separator of that field. */
  readonly #afterRs = new Map<number, number[]>();

  constructor(text: string, id: string, d: Delimiters) {
    this.text = text;
    this.#d = d;
    this.#header = isHeader(id);
  }

  /**
   * The field separators up to the k-th, or all of them when the line has fewer: the line is
   * searched only as far as a finding has needed so far (a line may hold a million fields).
   */
  #fieldSeparators(k: number): number[] {
    const out = this.#afterFs;
    const fs = this.#d.field;
    while (out.length < k && this.#fsFrom >= 0) {
      const i = this.text.indexOf(fs, this.#fsFrom);
      if (i < 0) this.#fsFrom = -1;
      else {
        out.push(i + 1);
        this.#fsFrom = i + 1;
      }
    }
    return out;
  }

  #repetitionSeparators(k: number, from: number, to: number): number[] {
    let out = this.#afterRs.get(k);
    if (out === undefined) {
      out = [];
      const rs = this.#d.repetition;
      if (rs !== '') for (let i = this.text.indexOf(rs, from); i >= 0 && i < to; i = this.text.indexOf(rs, i + 1)) out.push(i + 1);
      this.#afterRs.set(k, out);
    }
    return out;
  }

  /**
   * 0-based offset in the line where the place starts; the end of the line when the field or
   * part was not sent (a missing required field points just past the last character). Each
   * level (repetition, component, subcomponent) moves to its n-th part inside the current
   * one, or only narrows the current part to its first when n is 1 or not given.
   */
  offset(field: number, repetition?: number, component?: number, subcomponent?: number): number {
    const text = this.text;
    const d = this.#d;
    if (this.#header && field <= 2) return field === 1 ? 3 : 4;
    const k = this.#header ? field - 1 : field;
    const fsAt = this.#fieldSeparators(k + 1);
    if (k > fsAt.length) return text.length;
    let at = fsAt[k - 1] as number;
    let end = k < fsAt.length ? (fsAt[k] as number) - 1 : text.length;
    const rsAt = this.#repetitionSeparators(k, at, end);
    const r = repetition !== undefined && repetition > 1 ? repetition : 1;
    if (r > 1) {
      if (r - 1 > rsAt.length) return end;
      at = rsAt[r - 2] as number;
    }
    if (r - 1 < rsAt.length) end = (rsAt[r - 1] as number) - 1;
    if (component !== undefined && component > 1) {
      const next = after(text, d.component, component - 1, at, end);
      if (next < 0) return end;
      at = next;
    }
    end = cut(text, d.component, at, end);
    if (subcomponent !== undefined && subcomponent > 1) {
      const next = after(text, d.subcomponent, subcomponent - 1, at, end);
      if (next < 0) return end;
      at = next;
    }
    return at;
  }
}

/**
 * Sets the column of every diagnostic in `diagnostics` from index `from` on that names a field
 * of a segment of `message`. The rules report segment by segment, so the segment of the
 * previous finding is where the search for the next one starts; each segment's line is
 * indexed once (LineIndex), so a finding costs no more than its own part of the line.
 */
export function locateColumns(message: Message, diagnostics: readonly Diagnostic[], from = 0): void {
  const segments = message.segments;
  const lines = new Map<number, LineIndex>();
  let i = 0;
  for (let k = from; k < diagnostics.length; k++) {
    const dg = diagnostics[k] as Diagnostic;
    if (dg.field === undefined || dg.segment === undefined) continue;
    const found = findSegment(segments, dg.line, dg.segment, i);
    if (found < 0) continue;
    i = found;
    let index = lines.get(i);
    if (index === undefined) {
      const seg = segments[i] as Segment;
      // The line as parsed when the segment is unchanged (what serializing it would give back).
      index = new LineIndex(seg.sourceText() ?? serializeSegment(seg, message.delimiters), seg.id, message.delimiters);
      lines.set(i, index);
    }
    dg.column = index.offset(dg.field, dg.repetition, dg.component, dg.subcomponent) + 1;
  }
}

/** Index of the first segment with that line and id, looked for from `start` on, then before it; -1 if none. */
function findSegment(segments: readonly Segment[], line: number, id: string, start: number): number {
  for (let i = start; i < segments.length; i++) {
    const s = segments[i] as Segment;
    if (s.line === line && s.id === id) return i;
  }
  for (let i = 0; i < start && i < segments.length; i++) {
    const s = segments[i] as Segment;
    if (s.line === line && s.id === id) return i;
  }
  return -1;
}
