import type { Charset } from './charset';
import type { Delimiters } from './delimiters';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { decodeEscapes } from './escape';
import { Segment, type ComponentValue, type FieldValue, type LeafValue, type RepetitionValue } from './model';
import { encodeField } from './serialize';

/** Parsing context of one message: separators as char codes, charset, diagnostics sink. */
export interface SegmentContext {
  d: Delimiters;
  charset: Charset;
  diagnostics: Diagnostic[];
  fs: number;
  rs: number;
  cs: number;
  ss: number;
  es: number;
  /** Character class by char code (SEPARATOR, ESCAPE or 0) for codes below `cls.length`. */
  cls: Uint8Array;
}

const SEPARATOR = 1;
const ESCAPE = 2;

/** Class tables by separator set (a sender uses one set; a few sets at most per process). */
const tables = new Map<string, Uint8Array>();

function classTable(fs: number, rs: number, cs: number, ss: number, es: number): Uint8Array {
  const key = `${fs},${rs},${cs},${ss},${es}`;
  let t = tables.get(key);
  if (t === undefined) {
    t = new Uint8Array(Math.max(128, fs + 1, rs + 1, cs + 1, ss + 1, es + 1));
    // A separator wins over the escape character when a sender declares the same one twice.
    if (es >= 0) t[es] = ESCAPE;
    for (const c of [fs, rs, cs, ss]) if (c >= 0) t[c] = SEPARATOR;
    if (tables.size >= 64) tables.clear();
    tables.set(key, t);
  }
  return t;
}

export function segmentContext(d: Delimiters, charset: Charset, diagnostics: Diagnostic[]): SegmentContext {
  const code = (s: string): number => (s === '' ? -1 : s.charCodeAt(0));
  const fs = code(d.field);
  const rs = code(d.repetition);
  const cs = code(d.component);
  const ss = code(d.subcomponent);
  const es = code(d.escape);
  return { d, charset, diagnostics, fs, rs, cs, ss, es, cls: classTable(fs, rs, cs, ss, es) };
}

const isHeader = (id: string): boolean => id === 'MSH' || id === 'FHS' || id === 'BHS';

/**
 * Parses one segment line, `text` from `from` (default 0) to `to` (default its length), in a
 * single pass: a class table finds every separator with one load per character, every leaf
 * is sliced once, and escapes are decoded only in leaves that contain the escape character.
 */
export function parseSegment(text: string, line: number, segmentRepetition: number, ctx: SegmentContext, from = 0, to = text.length): Segment {
  const id = text.slice(from, from + 3);
  const fields: (FieldValue | undefined)[] = [undefined];
  let originals: (string | undefined)[] | undefined;
  let start = from + 4;
  if (to - from <= 3) {
    // A bare id ('MSH' alone inside a message included): no field at all, not even MSH-1.
    return new Segment(id, line, fields);
  }
  if (isHeader(id)) {
    fields.push([[ctx.d.field]]);
    let enc = text.indexOf(ctx.d.field, start);
    if (enc >= to) enc = -1;
    const encEnd = enc < 0 ? to : enc;
    fields.push(encEnd > start ? [[text.slice(start, encEnd)]] : undefined);
    if (enc < 0) return new Segment(id, line, fields);
    start = encEnd + 1;
  }
  const { fs, rs, cs, ss, cls } = ctx;
  const clsLen = cls.length;
  let fieldStart = start;
  let leafStart = start;
  let reps: RepetitionValue[] | undefined;
  let comps: ComponentValue[] | undefined;
  let subs: LeafValue[] | undefined;
  let leafEsc = false;
  let fieldEsc = false;
  let plain = true;
  for (let i = start; i <= to; i++) {
    let c = fs;
    if (i < to) {
      c = text.charCodeAt(i);
      const k = c < clsLen ? (cls[c] as number) : 0;
      if (k === 0) continue;
      if (k === ESCAPE) {
        leafEsc = true;
        continue;
      }
    }
    if (c === fs && plain) {
      // Fast path: a field with no repetition, component or subcomponent separator.
      if (i === fieldStart) fields.push(undefined);
      else {
        const v = leafValue(text, from, fieldStart, i, leafEsc, ctx, line, id, segmentRepetition, fields.length, 1, 1, 1);
        fields.push([[v]]);
        if (leafEsc) originals = keepOriginal(originals, fields, text, fieldStart, i, ctx);
      }
      fieldStart = leafStart = i + 1;
      leafEsc = false;
      continue;
    }
    plain = false;
    const fieldNo = fields.length;
    const repNo = (reps?.length ?? 0) + 1;
    const compNo = (comps?.length ?? 0) + 1;
    const v = leafValue(text, from, leafStart, i, leafEsc, ctx, line, id, segmentRepetition, fieldNo, repNo, compNo, (subs?.length ?? 0) + 1);
    fieldEsc ||= leafEsc;
    leafEsc = false;
    leafStart = i + 1;
    if (c === ss) {
      (subs ??= []).push(v);
      continue;
    }
    let comp: ComponentValue = v;
    if (subs !== undefined) {
      subs.push(v);
      comp = subs;
      subs = undefined;
    }
    (comps ??= []).push(comp);
    if (c === cs) continue;
    (reps ??= []).push(comps);
    comps = undefined;
    if (c === rs) continue;
    fields.push(reps);
    if (fieldEsc) originals = keepOriginal(originals, fields, text, fieldStart, i, ctx);
    reps = undefined;
    fieldEsc = false;
    plain = true;
    fieldStart = i + 1;
  }
  return new Segment(id, line, fields, originals);
}

function leafValue(
  text: string,
  lineStart: number,
  from: number,
  to: number,
  esc: boolean,
  ctx: SegmentContext,
  line: number,
  segment: string,
  segmentRepetition: number,
  field: number,
  repetition: number,
  component: number,
  subcomponent: number,
): LeafValue {
  if (to - from === 2 && text.charCodeAt(from) === 34 && text.charCodeAt(from + 1) === 34) return null;
  const raw = text.slice(from, to);
  if (!esc) return raw;
  const out = decodeEscapes(raw, ctx.d, ctx.charset);
  if (out.badAt >= 0) {
    ctx.diagnostics.push(
      diagnostic(ParseCode.BadEscape, 'warning', 'malformed or unknown escape sequence kept as sent', {
        line,
        column: from - lineStart + out.badAt + 1,
        segment,
        segmentRepetition,
        field,
        repetition,
        component,
        subcomponent,
      }),
    );
  }
  return out.value;
}

/** Keeps the sent text of a field with escapes when re-escaping its value would not give it back. */
function keepOriginal(
  originals: (string | undefined)[] | undefined,
  fields: (FieldValue | undefined)[],
  text: string,
  from: number,
  to: number,
  ctx: SegmentContext,
): (string | undefined)[] | undefined {
  const sent = text.slice(from, to);
  const n = fields.length - 1;
  if (encodeField(fields[n], ctx.d) === sent) return originals;
  const out = originals ?? [];
  out[n] = sent;
  return out;
}
