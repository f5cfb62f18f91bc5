/**
 * The staging JSON writer (docs/hl7v2-staging-json.md): writes the document's JSON text
 * directly, without building the intermediate objects. Keys are precomputed JSON text per
 * element. Tests compare its text with `JSON.stringify` of a plain object-building reference
 * writer (test/schema/reference) over the corpus and random messages.
 * Every function returns '' for "omitted" (a JSON value is never the empty string).
 */
import { MemberKey, memberTexts } from '../dictionary/element';
import type { DatatypeDef, Dictionary, MemberTexts, SegmentDef } from '../dictionary/types';
import { SegmentRepetitions } from '../repetitions';
import { ReportedRepetitions, reportExtraRepetitions, type Diagnostic } from './diagnostics';
import { atChunk, closeChunks, cutList, cutObject } from './text-chunks';
import { firstLeaf, type ComponentValue, type FieldValue, type LeafValue, type RepetitionValue, type SegmentView } from './view';

/** The message's component and subcomponent separators (primitives sent with parts are joined with them). */
export interface Separators {
  readonly component: string;
  readonly subcomponent: string;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * False while writing a segment the parser found JSON-safe (Segment.jsonSafe): its leaves
 * then need no escape test. Joined values (parts with separators) are always tested.
 */
let checkLeaves = true;

/** A leaf value as a JSON string. */
function leafStr(s: string): string {
  return checkLeaves && NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * Positional keys: the first POSITIONAL_CACHED of each kind are made flat once, on first use
 * (real messages use a few); a position past them (only in hostile input: a field of a
 * million components) gets its texts made for that one use, never kept or internalized.
 */
const POSITIONAL_CACHED = 256;
const COMPONENT: MemberTexts[] = [];
const SUBCOMPONENT: MemberTexts[] = [];
const FIELD: MemberTexts[] = [];

function positional(cache: MemberTexts[], prefix: string, n: number): MemberTexts {
  // Not flattened: that would cost more than it saves for one use.
  if (n >= POSITIONAL_CACHED) return new MemberKey(`"${prefix}_${n}":`, false);
  return (cache[n] ??= memberTexts(`"${prefix}_${n}":`));
}
const compKey = (i: number): MemberTexts => positional(COMPONENT, 'component', i + 1);
const subKey = (i: number): MemberTexts => positional(SUBCOMPONENT, 'subcomponent', i + 1);
const fieldKey = (n: number): MemberTexts => positional(FIELD, 'field', n);

/** What writing one document reports into: its warnings, and what finding them needs (made on first use). */
export interface Findings {
  readonly warnings: Diagnostic[];
  readonly segments: readonly SegmentView[];
  reported: ReportedRepetitions | undefined;
  repetitions: SegmentRepetitions | undefined;
}

/**
 * Objects are written member by member onto `out` (an object's text so far, '' before its
 * first member). A string value is left open, without its closing `"`: the next member's key
 * text starts with it (`","key":`), or the object's end does (`"}`), so a string member costs
 * two concatenations, not three. Each member function says through `endsOpen` whether the
 * text it returned ends inside a string; its caller keeps that per object (`open`) and passes
 * it to the next member function.
 */
let endsOpen = false;

/** The text that starts member k of a value that is not a string. */
function start(out: string, open: boolean, k: MemberTexts): string {
  return out === '' ? k.jsonOpen : open ? k.closeNext : k.jsonNext;
}

/** The end of an object whose last member is left open or not. */
function end(open: boolean): string {
  return open ? '"}' : '}';
}

/** `out` with the member `k: v` added, for a non-empty leaf v. */
function leafMember(out: string, open: boolean, k: MemberTexts, v: string | null): string {
  if (v === null) {
    endsOpen = false;
    return out + start(out, open, k) + 'null';
  }
  if (checkLeaves && NEEDS_ESCAPE.test(v)) {
    endsOpen = false;
    return out + start(out, open, k) + JSON.stringify(v);
  }
  endsOpen = true;
  return out + (out === '' ? k.jsonOpenQ : open ? k.closeNextQ : k.jsonNextQ) + v;
}

/** `out` with the member `k: text` added (text: a whole JSON value). */
function textMember(out: string, open: boolean, k: MemberTexts, text: string): string {
  endsOpen = false;
  return out + start(out, open, k) + text;
}

/** `out` unchanged (an empty value adds no member). */
function unchanged(out: string, open: boolean): string {
  endsOpen = open;
  return out;
}

function leaf(v: LeafValue): string {
  return v === '' ? '' : v === null ? 'null' : leafStr(v);
}

function joinLeaves(parts: readonly LeafValue[], sep: string): string {
  let any = false;
  for (const p of parts) if (p !== '') any = true;
  if (!any) return '';
  if (parts.length === 1) return leaf(parts[0] as LeafValue);
  return str(parts.map((p) => (p === null ? '""' : p)).join(sep));
}

/** Raw (unquoted) text of a primitive component, or undefined when empty. */
function primitiveRaw(c: ComponentValue, seps: Separators): string | null | undefined {
  if (typeof c === 'string') return c === '' ? undefined : c;
  if (c === null) return null;
  let any = false;
  for (const p of c) if (p !== '') any = true;
  if (!any) return undefined;
  if (c.length === 1) return c[0] as LeafValue;
  return c.map((p) => (p === null ? '""' : p)).join(seps.subcomponent);
}

/** A non-empty string component of a composite component type: `{first subcomponent: c}`. */
function compositeOfOne(c: string, type: DatatypeDef): string {
  const k = type.components[0]?.texts() ?? subKey(0);
  return checkLeaves && NEEDS_ESCAPE.test(c) ? `${k.jsonOpen}${JSON.stringify(c)}}` : `${k.jsonOpenQ}${c}"}`;
}

/** Subcomponents as an object keyed by `defs` (positional keys past them); '' when all are empty. */
function subObject(c: readonly LeafValue[], defs: DatatypeDef['components'] | undefined): string {
  let out = '';
  let open = false;
  let parts: string[] | undefined;
  for (let i = 0; i < c.length; i++) {
    if (atChunk(i, out)) out = cutObject((parts ??= []), out);
    const v = c[i] as LeafValue;
    if (v === '') continue;
    out = leafMember(out, open, defs?.[i]?.texts() ?? subKey(i), v);
    open = endsOpen;
  }
  return closeChunks(parts, out, end(open));
}

function componentText(c: ComponentValue, type: DatatypeDef | undefined, seps: Separators): string {
  if (type === undefined || type.kind !== 'composite') {
    if (typeof c === 'string' || c === null) return leaf(c);
    if (type !== undefined) return joinLeaves(c, seps.subcomponent);
    return subObject(c, undefined);
  }
  if (typeof c === 'string' || c === null) {
    if (c === '') return '';
    if (c === null) return 'null';
    return compositeOfOne(c, type);
  }
  return subObject(c, type.components);
}

/** `out` with the member `k: component` added when the component is not empty. */
function componentMember(out: string, open: boolean, k: MemberTexts, c: ComponentValue, type: DatatypeDef | undefined, seps: Separators): string {
  if (typeof c === 'string') {
    if (c === '') return unchanged(out, open);
    return type !== undefined && type.kind === 'composite' ? textMember(out, open, k, compositeOfOne(c, type)) : leafMember(out, open, k, c);
  }
  if (c === null) return leafMember(out, open, k, null);
  const v = componentText(c, type, seps);
  return v === '' ? unchanged(out, open) : textMember(out, open, k, v);
}

function repetitionText(rep: RepetitionValue, type: DatatypeDef | undefined, seps: Separators): string {
  if (type === undefined || type.kind === 'varies') {
    if (rep.length === 1) return componentText(rep[0] as ComponentValue, undefined, seps);
    let out = '';
    let open = false;
    let parts: string[] | undefined;
    for (let i = 0; i < rep.length; i++) {
      if (atChunk(i, out)) out = cutObject((parts ??= []), out);
      out = componentMember(out, open, compKey(i), rep[i] as ComponentValue, undefined, seps);
      open = endsOpen;
    }
    return closeChunks(parts, out, end(open));
  }
  if (type.kind === 'primitive') {
    if (rep.length === 1) {
      const c = rep[0] as ComponentValue;
      // One leaf (the common case) is written as a leaf; subcomponents joined are tested.
      if (typeof c === 'string') return c === '' ? '' : leafStr(c);
      const v = primitiveRaw(c, seps);
      return v === undefined ? '' : v === null ? 'null' : str(v);
    }
    let any = false;
    const parts: string[] = [];
    for (const c of rep) {
      const v = primitiveRaw(c, seps);
      if (v !== undefined) any = true;
      parts.push(v === undefined ? '' : v === null ? '""' : v);
    }
    return any ? str(parts.join(seps.component)) : '';
  }
  if (rep.length === 1 && rep[0] === null) return 'null';
  let out = '';
  let open = false;
  let parts: string[] | undefined;
  const defs = type.components;
  for (let i = 0; i < rep.length; i++) {
    if (atChunk(i, out)) out = cutObject((parts ??= []), out);
    const def = defs[i];
    out = componentMember(out, open, def === undefined ? compKey(i) : def.texts(), rep[i] as ComponentValue, def?.type, seps);
    open = endsOpen;
  }
  return closeChunks(parts, out, end(open));
}

function arrayText(f: FieldValue, from: number, type: DatatypeDef | undefined, seps: Separators): string {
  let out = '';
  let parts: string[] | undefined;
  for (let r = from; r < f.length; r++) {
    if (atChunk(r - from, out)) {
      cutList((parts ??= []), out);
      out = '';
    }
    const v = repetitionText(f[r] as RepetitionValue, type, seps);
    if (v !== '') out += (out === '' && parts === undefined ? '[' : ',') + v;
  }
  return closeChunks(parts, out, ']');
}

/** `out` with the member `k: repetition` added when the repetition is not empty. */
function repetitionMember(out: string, open: boolean, k: MemberTexts, rep: RepetitionValue, type: DatatypeDef | undefined, seps: Separators): string {
  const c = rep[0];
  // The common case: one plain value of a non-composite type.
  if (rep.length === 1 && typeof c === 'string' && (type === undefined || type.kind !== 'composite')) {
    return c === '' ? unchanged(out, open) : leafMember(out, open, k, c);
  }
  const v = repetitionText(rep, type, seps);
  return v === '' ? unchanged(out, open) : textMember(out, open, k, v);
}

/** The JSON text of segment `index` of `segments`. */
export function segmentText(
  segments: readonly SegmentView[],
  index: number,
  def: SegmentDef | undefined,
  dict: Dictionary,
  seps: Separators,
  findings: Findings,
): string {
  const seg = segments[index] as SegmentView;
  // Every leaf written below belongs to this segment (set again for each one).
  checkLeaves = seg.jsonSafe !== true;
  let out = '';
  let open = false;
  let parts: string[] | undefined;
  const fields = seg.fields;
  const defs = def?.fields;
  // OBX-5 (varies) is typed by OBX-2: looked up once, for OBX only.
  const obx = seg.id === 'OBX';
  let variesType: string | undefined;
  for (let n = 1; n < fields.length; n++) {
    if (atChunk(n - 1, out)) out = cutObject((parts ??= []), out);
    const f = fields[n];
    if (f === undefined) continue;
    const fd = defs?.[n];
    if (fd === undefined) {
      if (f.length === 1) {
        out = repetitionMember(out, open, fieldKey(n), f[0] as RepetitionValue, undefined, seps);
        open = endsOpen;
      } else {
        const v = arrayText(f, 0, undefined, seps);
        if (v !== '') {
          out = textMember(out, open, fieldKey(n), v);
          open = false;
        }
      }
      continue;
    }
    let type = fd.type;
    if (obx && type !== undefined && type.kind === 'varies') {
      variesType ??= firstLeaf(fields[2]).trim().toUpperCase();
      type = variesType === '' ? undefined : dict.datatype(variesType);
    }
    if (fd.repeats) {
      const v = arrayText(f, 0, type, seps);
      if (v !== '') {
        out = textMember(out, open, fd.texts(), v);
        open = false;
      }
      continue;
    }
    out = repetitionMember(out, open, fd.texts(), f[0] as RepetitionValue, type, seps);
    open = endsOpen;
    if (f.length > 1) {
      const extra = arrayText(f, 1, type, seps);
      if (extra !== '') {
        out += `${out === '' ? '{' : open ? '",' : ','}${JSON.stringify(`${fd.key}_extra`)}:${extra}`;
        open = false;
        findings.reported ??= new ReportedRepetitions(findings.warnings);
        findings.repetitions ??= new SegmentRepetitions(segments);
        reportExtraRepetitions(findings.warnings, findings.reported, seg, findings.repetitions.at(index), n, fd.key);
      }
    }
  }
  checkLeaves = true;
  return closeChunks(parts, out, end(open)) || '{}';
}
