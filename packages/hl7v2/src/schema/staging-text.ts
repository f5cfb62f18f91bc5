/**
 * The staging JSON writer (docs/hl7v2-staging-json.md): writes the document's JSON text
 * directly, without building the intermediate objects. Keys are precomputed JSON text per
 * element. Tests compare its text with `JSON.stringify` of a plain object-building reference
 * writer (test/schema/reference) over the corpus and random messages.
 * Every function returns '' for "omitted" (a JSON value is never the empty string).
 */
import { memberTexts } from '../dictionary/element';
import type { DatatypeDef, Dictionary, MemberTexts, SegmentDef } from '../dictionary/types';
import { flat } from '../flat';
import { finishDiagnostics } from '../diagnostic-list';
import { SegmentRepetitions } from '../repetitions';
import { ReportedRepetitions, reportExtraRepetitions, reportExtraSegment, type Diagnostic } from './diagnostics';
import { segmentKey, segmentLayout } from './layout';
import type { StructureResolution } from './structure';
import { atChunk, closeChunks, cutList, cutObject } from './text-chunks';
import { firstLeaf, type ComponentValue, type FieldValue, type LeafValue, type MessageView, type RepetitionValue, type SegmentView } from './view';

/** The message's component and subcomponent separators (primitives sent with parts are joined with them). */
export interface Separators {
  readonly component: string;
  readonly subcomponent: string;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
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

/** Member texts of a positional key used once (not flattened: that would cost more than it saves). */
class OneUseKey implements MemberTexts {
  readonly #jsonKey: string;
  constructor(jsonKey: string) {
    this.#jsonKey = jsonKey;
  }
  get jsonOpen(): string {
    return `{${this.#jsonKey}`;
  }
  get jsonNext(): string {
    return `,${this.#jsonKey}`;
  }
  get jsonOpenQ(): string {
    return `{${this.#jsonKey}"`;
  }
  get jsonNextQ(): string {
    return `,${this.#jsonKey}"`;
  }
}

function positional(cache: MemberTexts[], prefix: string, n: number): MemberTexts {
  if (n >= POSITIONAL_CACHED) return new OneUseKey(`"${prefix}_${n}":`);
  return (cache[n] ??= memberTexts(`"${prefix}_${n}":`));
}
const compKey = (i: number): MemberTexts => positional(COMPONENT, 'component', i + 1);
const subKey = (i: number): MemberTexts => positional(SUBCOMPONENT, 'subcomponent', i + 1);
const fieldKey = (n: number): MemberTexts => positional(FIELD, 'field', n);

/** What writing one document reports into: its warnings, and what finding them needs (made on first use). */
interface Findings {
  readonly warnings: Diagnostic[];
  readonly segments: readonly SegmentView[];
  reported: ReportedRepetitions | undefined;
  repetitions: SegmentRepetitions | undefined;
}

/**
 * `out` (an object's text so far, '' before its first member) with the member `k: v` added,
 * for a non-empty leaf v. Plain strings are written between the precomputed `"` and one more,
 * so a value costs three concatenations.
 */
function leafMember(out: string, k: MemberTexts, v: string | null): string {
  if (v === null) return out + (out === '' ? k.jsonOpen : k.jsonNext) + 'null';
  if (checkLeaves && NEEDS_ESCAPE.test(v)) return out + (out === '' ? k.jsonOpen : k.jsonNext) + JSON.stringify(v);
  return out + (out === '' ? k.jsonOpenQ : k.jsonNextQ) + v + '"';
}

/** `out` with the member `k: text` added (text: a JSON value). */
function textMember(out: string, k: MemberTexts, text: string): string {
  return out + (out === '' ? k.jsonOpen : k.jsonNext) + text;
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
  const k = type.components[0] ?? subKey(0);
  return checkLeaves && NEEDS_ESCAPE.test(c) ? `${k.jsonOpen}${JSON.stringify(c)}}` : `${k.jsonOpenQ}${c}"}`;
}

/** Subcomponents as an object keyed by `defs` (positional keys past them); '' when all are empty. */
function subObject(c: readonly LeafValue[], defs: DatatypeDef['components'] | undefined): string {
  let out = '';
  let parts: string[] | undefined;
  for (let i = 0; i < c.length; i++) {
    if (atChunk(i, out)) out = cutObject((parts ??= []), out);
    const v = c[i] as LeafValue;
    if (v !== '') out = leafMember(out, defs?.[i] ?? subKey(i), v);
  }
  return closeChunks(parts, out, '}');
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
function componentMember(out: string, k: MemberTexts, c: ComponentValue, type: DatatypeDef | undefined, seps: Separators): string {
  if (typeof c === 'string') {
    if (c === '') return out;
    return type !== undefined && type.kind === 'composite' ? textMember(out, k, compositeOfOne(c, type)) : leafMember(out, k, c);
  }
  if (c === null) return leafMember(out, k, null);
  const v = componentText(c, type, seps);
  return v === '' ? out : textMember(out, k, v);
}

function repetitionText(rep: RepetitionValue, type: DatatypeDef | undefined, seps: Separators): string {
  if (type === undefined || type.kind === 'varies') {
    if (rep.length === 1) return componentText(rep[0] as ComponentValue, undefined, seps);
    let out = '';
    let parts: string[] | undefined;
    for (let i = 0; i < rep.length; i++) {
      if (atChunk(i, out)) out = cutObject((parts ??= []), out);
      out = componentMember(out, compKey(i), rep[i] as ComponentValue, undefined, seps);
    }
    return closeChunks(parts, out, '}');
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
  let parts: string[] | undefined;
  const defs = type.components;
  for (let i = 0; i < rep.length; i++) {
    if (atChunk(i, out)) out = cutObject((parts ??= []), out);
    const def = defs[i];
    out = componentMember(out, def ?? compKey(i), rep[i] as ComponentValue, def?.type, seps);
  }
  return closeChunks(parts, out, '}');
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
function repetitionMember(out: string, k: MemberTexts, rep: RepetitionValue, type: DatatypeDef | undefined, seps: Separators): string {
  const c = rep[0];
  // The common case: one plain value of a non-composite type.
  if (rep.length === 1 && typeof c === 'string' && (type === undefined || type.kind !== 'composite')) return c === '' ? out : leafMember(out, k, c);
  const v = repetitionText(rep, type, seps);
  return v === '' ? out : textMember(out, k, v);
}

/** The JSON text of segment `index` of `segments`. */
function segmentText(
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
  let parts: string[] | undefined;
  const fields = seg.fields;
  const defs = def?.fields;
  let variesType: string | undefined;
  for (let n = 1; n < fields.length; n++) {
    if (atChunk(n - 1, out)) out = cutObject((parts ??= []), out);
    const f = fields[n];
    if (f === undefined) continue;
    const fd = defs?.[n];
    if (fd === undefined) {
      if (f.length === 1) out = repetitionMember(out, fieldKey(n), f[0] as RepetitionValue, undefined, seps);
      else {
        const v = arrayText(f, 0, undefined, seps);
        if (v !== '') out = textMember(out, fieldKey(n), v);
      }
      continue;
    }
    let type = fd.type;
    if (type !== undefined && type.kind === 'varies' && seg.id === 'OBX') {
      variesType ??= firstLeaf(fields[2]).trim().toUpperCase();
      type = variesType === '' ? undefined : dict.datatype(variesType);
    }
    if (fd.repeats) {
      const v = arrayText(f, 0, type, seps);
      if (v !== '') out = textMember(out, fd, v);
      continue;
    }
    out = repetitionMember(out, fd, f[0] as RepetitionValue, type, seps);
    if (f.length > 1) {
      const extra = arrayText(f, 1, type, seps);
      if (extra !== '') {
        out += `${out === '' ? '{' : ','}${JSON.stringify(`${fd.key}_extra`)}:${extra}`;
        findings.reported ??= new ReportedRepetitions(findings.warnings);
        findings.repetitions ??= new SegmentRepetitions(segments);
        reportExtraRepetitions(findings.warnings, findings.reported, seg, findings.repetitions.at(index), n, fd.key);
      }
    }
  }
  checkLeaves = true;
  return closeChunks(parts, out, '}') || '{}';
}

interface Slot {
  array: boolean;
  /** The segment objects so far, comma-separated (a rope: flattened once, with the document). */
  text: string;
  /** Segments with this id so far (the repetition of the last one). */
  count: number;
  /** Earlier segment objects, cut off in flat chunks when there are many (see text-chunks.ts). */
  parts: string[] | undefined;
}

/** Adds a segment object's text to a slot. */
function append(slot: Slot, text: string): void {
  if (atChunk(slot.count, slot.text)) {
    cutList((slot.parts ??= []), slot.text);
    slot.text = '';
  }
  slot.text += `,${text}`;
}

function slotText(slot: Slot): string {
  const list = slot.parts === undefined ? slot.text : closeChunks(slot.parts, slot.text, '');
  return slot.array ? `[${list}]` : list;
}

/** JSON key text (`"pid"`) of a segment id, cached (ids are few and short). */
const segmentKeys = new Map<string, string>();

function segmentJsonKey(id: string): string {
  let k = segmentKeys.get(id);
  if (k === undefined) {
    k = flat(str(segmentKey(id)));
    if (segmentKeys.size >= 4096) segmentKeys.clear();
    segmentKeys.set(id, k);
  }
  return k;
}

/**
 * Staging JSON text. `_meta` is written first but built last, so warnings raised while
 * writing the segments are included.
 */
export function writeStagingText(view: MessageView, dict: Dictionary, resolution: StructureResolution, warnings: Diagnostic[]): string {
  const seps: Separators = { component: view.componentSeparator, subcomponent: view.subcomponentSeparator };
  const layout = segmentLayout(dict, resolution.structure);
  const slots = new Map<string, Slot>();
  const segments = view.segments;
  const findings: Findings = { warnings, segments, reported: undefined, repetitions: undefined };
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as SegmentView;
    const text = segmentText(segments, i, dict.segment(seg.id), dict, seps, findings);
    const key = segmentJsonKey(seg.id);
    const repeats = layout.repeats.get(seg.id) ?? true;
    const slot = slots.get(key);
    if (slot === undefined) {
      slots.set(key, { array: repeats, text, count: 1, parts: undefined });
      continue;
    }
    if (repeats) {
      append(slot, text);
      slot.count++;
      continue;
    }
    const n = ++slot.count;
    const extraKey = `${segmentKey(seg.id)}_extra`;
    const extraJsonKey = str(extraKey);
    const extraSlot = slots.get(extraJsonKey);
    if (extraSlot === undefined) slots.set(extraJsonKey, { array: true, text, count: 1, parts: undefined });
    else {
      append(extraSlot, text);
      extraSlot.count++;
    }
    reportExtraSegment(warnings, seg, n, resolution.structure, extraKey);
  }
  finishDiagnostics(warnings);
  const meta = {
    version: resolution.version.sent ?? null,
    dictionaryVersion: resolution.dictionaryVersion,
    structure: resolution.structure ?? null,
    warnings,
  };
  let out = `{"_meta":${JSON.stringify(meta)}`;
  for (const [key, slot] of slots) out += `,${key}:${slotText(slot)}`;
  return `${out}}`;
}
