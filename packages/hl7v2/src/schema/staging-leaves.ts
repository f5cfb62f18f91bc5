/**
 * Every value of a staging document with its HL7 position: the inverse of staging-build,
 * for the query side's long `fields` view. Staging JSON names elements with the dictionary
 * of the message's own version (`_meta.dictionaryVersion`); positions (PID-5.1.1) are the
 * same in every version, so a query on positions finds a value whatever version sent it.
 *
 * - segment: the id in upper case; seq: its occurrence (1-based; `<seg>_extra` continues
 *   after the first);
 * - field: HL7 field number; rep: 1-based among the repetitions staging JSON keeps (it
 *   leaves out empty repetitions); `<field>_extra` continues after the first;
 * - component, sub: 1-based; a value with no components is at component 1, subcomponent 1,
 *   so `PID-8.1.1` is the sex whether PID-8 is IS (2.5) or CWE (2.7);
 * - value: the decoded text, null for the HL7 explicit null `""`; a primitive sent with
 *   components keeps them joined with the message's separators (as staging JSON does);
 * - name: the staging JSON keys joined with dots (`patient_name.family_name.surname`).
 *
 * Positions are null only for keys that neither the dictionary of the document's version
 * nor the positional forms (`field_<n>`, `component_<n>`, `subcomponent_<n>`) explain.
 */
import { getDictionary, isDictionaryVersion } from '../dictionary/load';
import type { DatatypeDef, Dictionary, ElementDef, SegmentDef } from '../dictionary/types';

export type StagingLeafVisitor = (
  segment: string,
  seq: number,
  field: number | null,
  rep: number,
  component: number | null,
  sub: number | null,
  value: string | null,
  name: string,
) => void;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const byKey = new WeakMap<object, Map<string, ElementDef>>();

/** Elements of a segment or datatype by staging key (cached per definition). */
function keyed(elements: readonly (ElementDef | undefined)[]): Map<string, ElementDef> {
  let m = byKey.get(elements);
  if (m === undefined) {
    m = new Map();
    for (const e of elements) if (e !== undefined) m.set(e.key, e);
    byKey.set(elements, m);
  }
  return m;
}

const POSITIONAL = /^(field|component|subcomponent)_(\d+)$/;

/** The number of a positional key of that kind (`component_3` -> 3), else undefined. */
function positional(key: string, kind: 'field' | 'component' | 'subcomponent'): number | undefined {
  const m = POSITIONAL.exec(key);
  return m !== null && m[1] === kind ? Number(m[2]) : undefined;
}

const text = (v: Json): string | null => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

const SUFFIX = '_extra';

/**
 * Calls `visit` for every value of a staging document (not `_meta`), segments in document
 * order. Unknown versions and shapes never throw: what cannot be placed gets null positions.
 */
export function visitStagingLeaves(doc: unknown, visit: StagingLeafVisitor): void {
  if (!isObject(doc)) return;
  const meta = doc._meta;
  const version = isObject(meta) && typeof meta.dictionaryVersion === 'string' ? meta.dictionaryVersion : '';
  const dict = isDictionaryVersion(version) ? getDictionary(version) : undefined;
  for (const [key, value] of Object.entries(doc)) {
    if (key === '_meta') continue;
    const extra = key.endsWith(SUFFIX);
    const base = extra ? key.slice(0, -SUFFIX.length) : key;
    const id = base.startsWith('segment_') ? base.slice('segment_'.length) : base.toUpperCase();
    const def = dict?.segment(id);
    if (Array.isArray(value)) value.forEach((s, i) => segment(s, id, extra ? i + 2 : i + 1, def, dict, visit));
    else segment(value, id, 1, def, dict, visit);
  }
}

function segment(obj: Json, id: string, seq: number, def: SegmentDef | undefined, dict: Dictionary | undefined, visit: StagingLeafVisitor): void {
  if (!isObject(obj)) return;
  const fields = def === undefined ? undefined : keyed(def.fields);
  for (const [key, value] of Object.entries(obj)) {
    let fd = fields?.get(key);
    let extra = false;
    if (fd === undefined && key.endsWith(SUFFIX)) {
      fd = fields?.get(key.slice(0, -SUFFIX.length));
      extra = fd !== undefined;
    }
    const name = extra ? key.slice(0, -SUFFIX.length) : key;
    const n = fd?.seq ?? positional(key, 'field') ?? null;
    let type = fd?.type;
    // OBX-5 is typed by OBX-2 of the same segment, as staging-build does.
    if (type?.kind === 'varies') {
      const valueType = id === 'OBX' && typeof obj.value_type === 'string' ? obj.value_type.trim().toUpperCase() : '';
      type = valueType === '' ? undefined : dict?.datatype(valueType);
    }
    const reps = fd === undefined ? Array.isArray(value) : extra || fd.repeats;
    const place = (v: Json, rep: number) => repetition(v, type, { id, seq, field: n, rep, name }, visit);
    if (reps && Array.isArray(value)) value.forEach((v, i) => place(v, extra ? i + 2 : i + 1));
    else place(value, 1);
  }
}

interface Place {
  id: string;
  seq: number;
  field: number | null;
  rep: number;
  name: string;
}

/** One repetition: a primitive, or components by datatype key or position. */
function repetition(v: Json, type: DatatypeDef | undefined, at: Place, visit: StagingLeafVisitor): void {
  if (!isObject(v)) {
    visit(at.id, at.seq, at.field, at.rep, 1, 1, text(v), at.name);
    return;
  }
  const comps = type?.kind === 'composite' ? keyed(type.components) : undefined;
  for (const [key, cv] of Object.entries(v)) {
    // A value of unknown type with subcomponents but a single component (staging-values).
    const onlySub = positional(key, 'subcomponent');
    if (onlySub !== undefined && comps === undefined) {
      visit(at.id, at.seq, at.field, at.rep, 1, onlySub, text(cv), `${at.name}.${key}`);
      continue;
    }
    const cd = comps?.get(key);
    const c = cd?.seq ?? positional(key, 'component') ?? null;
    const name = `${at.name}.${key}`;
    if (!isObject(cv)) {
      visit(at.id, at.seq, at.field, at.rep, c, 1, text(cv), name);
      continue;
    }
    const subs = cd?.type?.kind === 'composite' ? keyed(cd.type.components) : undefined;
    for (const [sk, sv] of Object.entries(cv)) {
      const s = subs?.get(sk)?.seq ?? positional(sk, 'subcomponent') ?? null;
      visit(at.id, at.seq, at.field, at.rep, c, s, text(sv), `${name}.${sk}`);
    }
  }
}

/** The columns of a leaf, in the visitor's order, with their SQL kinds (shared by every engine). */
export const STAGING_LEAF_COLUMNS: readonly { readonly name: string; readonly kind: 'text' | 'integer' }[] = [
  { name: 'segment', kind: 'text' },
  { name: 'seq', kind: 'integer' },
  { name: 'field', kind: 'integer' },
  { name: 'rep', kind: 'integer' },
  { name: 'component', kind: 'integer' },
  { name: 'sub', kind: 'integer' },
  { name: 'value', kind: 'text' },
  { name: 'name', kind: 'text' },
];
