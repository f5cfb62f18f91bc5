import type { Charset } from './charset';
import type { Delimiters } from './delimiters';
import { countDropped, isFull } from './diagnostic-list';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { decodeLeafEscapes, type LeafDecodeOutcome } from './escape';
import { Segment, type ComponentValue, type FieldValue, type LeafValue, type RepetitionValue } from './model';
import { SegmentRepetitions } from './repetitions';
import { segmentIdAt } from './segment-id';
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
  /** Character class by char code (SEPARATOR, ESCAPE, JSON_UNSAFE or 0) for codes below `cls.length`. */
  cls: Uint8Array;
  /**
   * The declared separators and escape character are pairwise different, so a field whose
   * escapes are all basic re-escapes to exactly what was sent (no need to keep the original).
   */
  distinct: boolean;
  /** The text holds surrogate code units (LineTable.surrogates): no segment is JSON-safe. */
  surrogates: boolean;
  /** Repetition numbers of the segments before, made when a finding first needs one. */
  repetitions: SegmentRepetitions | undefined;
  /** The segment list `repetitions` counts. */
  repetitionsOf: readonly Segment[] | undefined;
}

const SEPARATOR = 1;
const ESCAPE = 2;
/** `"`, `\` (when not the escape character) and control characters: ordinary data, counted because JSON text escapes them. */
const JSON_UNSAFE = 3;

/** Class tables by separator set (a sender uses one set; a few sets at most per process). */
const tables = new Map<string, Uint8Array>();

function classTable(fs: number, rs: number, cs: number, ss: number, es: number): Uint8Array {
  const key = `${fs},${rs},${cs},${ss},${es}`;
  let t = tables.get(key);
  if (t === undefined) {
    t = new Uint8Array(Math.max(128, fs + 1, rs + 1, cs + 1, ss + 1, es + 1));
    // What JSON escapes, unless it is a delimiter: control characters, `"` and `\` (data
    // when it is not the escape character). Surrogates are known per text (ctx.surrogates).
    for (let x = 0; x < 0x20; x++) t[x] = JSON_UNSAFE;
    t[0x22] = JSON_UNSAFE;
    t[0x5c] = JSON_UNSAFE;
    // A separator wins over the escape character when a sender declares the same one twice.
    if (es >= 0) t[es] = ESCAPE;
    // A backslash that is not the escape character is data that may need writing doubled
    // (backslash.ts): its value takes the escape decoding path.
    if (es !== 0x5c) t[0x5c] = ESCAPE;
    for (const c of [fs, rs, cs, ss]) if (c >= 0) t[c] = SEPARATOR;
    if (tables.size >= 64) tables.clear();
    tables.set(key, t);
  }
  return t;
}

/** The separator set of the previous message and what was derived from it (senders rarely change it). */
let last: { fs: number; rs: number; cs: number; ss: number; es: number; cls: Uint8Array; distinct: boolean } = {
  fs: -2,
  rs: -2,
  cs: -2,
  ss: -2,
  es: -2,
  cls: new Uint8Array(128),
  distinct: true,
};

/** Char code of a one-character separator, -1 when not declared. */
function code(s: string): number {
  return s === '' ? -1 : s.charCodeAt(0);
}

export function segmentContext(d: Delimiters, charset: Charset, diagnostics: Diagnostic[], surrogates = true): SegmentContext {
  const fs = code(d.field);
  const rs = code(d.repetition);
  const cs = code(d.component);
  const ss = code(d.subcomponent);
  const es = code(d.escape);
  if (fs !== last.fs || rs !== last.rs || cs !== last.cs || ss !== last.ss || es !== last.es) {
    const declared = [fs, rs, cs, ss, es].filter((c) => c >= 0);
    last = { fs, rs, cs, ss, es, cls: classTable(fs, rs, cs, ss, es), distinct: new Set(declared).size === declared.length };
  }
  return { d, charset, diagnostics, fs, rs, cs, ss, es, cls: last.cls, distinct: last.distinct, surrogates, repetitions: undefined, repetitionsOf: undefined };
}

const isHeader = (id: string): boolean => id === 'MSH' || id === 'FHS' || id === 'BHS';

/**
 * Scratch stacks for the parts of the value being parsed (parseSegment is synchronous and
 * never re-entered); each finished part becomes an array of exactly its length.
 */
let subStack: LeafValue[] = new Array<LeafValue>(64).fill('');
let compStack: ComponentValue[] = new Array<ComponentValue>(64).fill('');
let repStack: RepetitionValue[] = new Array<RepetitionValue>(64).fill([]);

/** The first n items of a stack as a new packed array (literals for the common small sizes). */
function take<T>(s: T[], n: number): T[] {
  switch (n) {
    case 1:
      return [s[0] as T];
    case 2:
      return [s[0] as T, s[1] as T];
    case 3:
      return [s[0] as T, s[1] as T, s[2] as T];
    case 4:
      return [s[0] as T, s[1] as T, s[2] as T, s[3] as T];
    case 5:
      return [s[0] as T, s[1] as T, s[2] as T, s[3] as T, s[4] as T];
    case 6:
      return [s[0] as T, s[1] as T, s[2] as T, s[3] as T, s[4] as T, s[5] as T];
    case 7:
      return [s[0] as T, s[1] as T, s[2] as T, s[3] as T, s[4] as T, s[5] as T, s[6] as T];
    default:
      return s.slice(0, n);
  }
}

/** Doubles a full stack. */
function grow<T>(s: T[]): T[] {
  return s.concat(s);
}

/** Stacks longer than this (grown by a hostile field) are let go after their segment. */
const KEPT_STACK = 4096;

/** Gives back the memory of stacks a huge field grew, so it is not held for the process's life. */
function shrinkStacks(): void {
  if (subStack.length > KEPT_STACK) subStack = new Array<LeafValue>(64).fill('');
  if (compStack.length > KEPT_STACK) compStack = new Array<ComponentValue>(64).fill('');
  if (repStack.length > KEPT_STACK) repStack = new Array<RepetitionValue>(64).fill([]);
}

/**
 * Parses one segment line, `text` from `from` (default 0) to `to` (default its length), in a
 * single pass: a class table finds every separator with one load per character, every leaf
 * is sliced once, escapes are decoded only in leaves that contain the escape character, and
 * every repetition, component and subcomponent array is allocated once at its final size.
 * `prior` holds the segments of the message before this one: the segment's repetition number
 * (for a diagnostic's location) is counted from it only when a diagnostic is reported, once
 * per segment for the whole message (ctx.repetitions).
 */
export function parseSegment(text: string, line: number, prior: readonly Segment[], ctx: SegmentContext, from = 0, to = text.length): Segment {
  const id = segmentIdAt(text, from);
  const fields: (FieldValue | undefined)[] = [undefined];
  let originals: (string | undefined)[] | undefined;
  let start = from + 4;
  // Characters JSON must escape in the leaves so far (see Segment.jsonSafe).
  let unsafe = 0;
  if (to - from <= 3) {
    // A bare id ('MSH' alone inside a message included): no field at all, not even MSH-1.
    return new Segment(id, line, fields, undefined, text, from, to);
  }
  if (isHeader(id)) {
    fields.push([[ctx.d.field]]);
    let enc = text.indexOf(ctx.d.field, start);
    if (enc >= to) enc = -1;
    const encEnd = enc < 0 ? to : enc;
    const encText = encEnd > start ? text.slice(start, encEnd) : '';
    fields.push(encText === '' ? undefined : [[encText]]);
    // MSH-1 and MSH-2 are not scanned, and MSH-2 holds the escape character (`\`) as a rule.
    unsafe++;
    if (enc < 0) return new Segment(id, line, fields, undefined, text, from, to);
    start = encEnd + 1;
  }
  const { fs, rs, cs, ss, cls } = ctx;
  const clsLen = cls.length;
  let fieldStart = start;
  let leafStart = start;
  let nReps = 0;
  let nComps = 0;
  let nSubs = 0;
  let leafEsc = false;
  let fieldEsc = false;
  // False once a leaf of the field used an escape that re-escaping would not give back.
  let fieldBasic = true;
  // True once a leaf of the field used an escape that re-escaping can never give back.
  let fieldChanged = false;
  let plain = true;
  for (let i = start; i <= to; i++) {
    // Skip ordinary characters in a tight loop; the end of the line acts as a field separator.
    let c = fs;
    // The class of the character found (0 at the end of the line), kept from the scan.
    let k = 0;
    while (i < to) {
      const x = text.charCodeAt(i);
      if (x < clsLen) {
        k = cls[x] as number;
        if (k !== 0) {
          c = x;
          break;
        }
      }
      i++;
    }
    if (k > SEPARATOR) {
      // The escape character, or a character JSON escapes (ordinary data here).
      if (k === ESCAPE) leafEsc = true;
      else unsafe++;
      continue;
    }
    if (c === fs && plain) {
      // Fast path: a field with no repetition, component or subcomponent separator.
      if (i === fieldStart) fields.push(undefined);
      else if (!leafEsc) {
        if (i - fieldStart === 2 && text.charCodeAt(fieldStart) === 34 && text.charCodeAt(fieldStart + 1) === 34) {
          fields.push([[null]]);
          unsafe -= 2;
        } else fields.push([[text.slice(fieldStart, i)]]);
      } else {
        const out = decodeLeaf(text, from, fieldStart, i, ctx, line, id, prior, fields.length, 1, 1, 1);
        unsafe++;
        fields.push([[out.value]]);
        if (!out.basic || !ctx.distinct) originals = keepOriginal(originals, fields, text, fieldStart, i, ctx, out.changed);
      }
      fieldStart = leafStart = i + 1;
      leafEsc = false;
      continue;
    }
    plain = false;
    let v: LeafValue;
    if (!leafEsc) {
      if (i - leafStart === 2 && text.charCodeAt(leafStart) === 34 && text.charCodeAt(leafStart + 1) === 34) {
        v = null;
        unsafe -= 2;
      } else v = text.slice(leafStart, i);
    } else {
      const out = decodeLeaf(text, from, leafStart, i, ctx, line, id, prior, fields.length, nReps + 1, nComps + 1, nSubs + 1);
      v = out.value;
      unsafe++;
      fieldEsc = true;
      if (!out.basic) fieldBasic = false;
      if (out.changed) fieldChanged = true;
      leafEsc = false;
    }
    leafStart = i + 1;
    if (c === ss) {
      if (nSubs === subStack.length) subStack = grow(subStack);
      subStack[nSubs++] = v;
      continue;
    }
    let comp: ComponentValue = v;
    if (nSubs > 0) {
      if (nSubs === subStack.length) subStack = grow(subStack);
      subStack[nSubs++] = v;
      comp = take(subStack, nSubs);
      nSubs = 0;
    }
    if (nComps === compStack.length) compStack = grow(compStack);
    compStack[nComps++] = comp;
    if (c === cs) continue;
    if (nReps === repStack.length) repStack = grow(repStack);
    repStack[nReps++] = take(compStack, nComps);
    nComps = 0;
    if (c === rs) continue;
    fields.push(take(repStack, nReps));
    nReps = 0;
    if (fieldEsc && (!fieldBasic || !ctx.distinct)) originals = keepOriginal(originals, fields, text, fieldStart, i, ctx, fieldChanged);
    fieldEsc = false;
    fieldBasic = true;
    fieldChanged = false;
    plain = true;
    fieldStart = i + 1;
  }
  shrinkStacks();
  return new Segment(id, line, fields, originals, text, from, to, unsafe === 0 && !ctx.surrogates);
}

/** A leaf that holds the escape character, decoded; a malformed escape is reported. */
function decodeLeaf(
  text: string,
  lineStart: number,
  from: number,
  to: number,
  ctx: SegmentContext,
  line: number,
  segment: string,
  prior: readonly Segment[],
  field: number,
  repetition: number,
  component: number,
  subcomponent: number,
): LeafDecodeOutcome {
  const out = decodeLeafEscapes(text.slice(from, to), ctx.d, ctx.charset);
  if (out.badAt >= 0 && isFull(ctx.diagnostics)) countDropped(ctx.diagnostics, 'warning', line);
  else if (out.badAt >= 0) {
    if (ctx.repetitionsOf !== prior) {
      ctx.repetitions = new SegmentRepetitions(prior);
      ctx.repetitionsOf = prior;
    }
    const segmentRepetition = (ctx.repetitions as SegmentRepetitions).next(segment);
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
  return out;
}

/**
 * Keeps the sent text of a field with escapes when re-escaping its value would not give it back.
 * With distinct separators a field re-escapes to what was sent only if each of its leaves
 * does, so when a leaf is `changed` (see LeafDecodeOutcome) the comparison is skipped.
 */
function keepOriginal(
  originals: (string | undefined)[] | undefined,
  fields: (FieldValue | undefined)[],
  text: string,
  from: number,
  to: number,
  ctx: SegmentContext,
  changed: boolean,
): (string | undefined)[] | undefined {
  const sent = text.slice(from, to);
  const n = fields.length - 1;
  if (!(changed && ctx.distinct) && encodeField(fields[n], ctx.d) === sent) return originals;
  const out = originals ?? [];
  out[n] = sent;
  return out;
}
