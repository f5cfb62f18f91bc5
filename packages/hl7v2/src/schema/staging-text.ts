/**
 * Writes staging JSON text directly (the hot path of the staging step): same rules and the
 * same output as `JSON.stringify(buildStaging(...))` (checked by tests over the corpus),
 * without building the intermediate objects. Keys are precomputed JSON text per element.
 * Every function returns '' for "omitted" (a JSON value is never the empty string).
 */
import type { DatatypeDef, Dictionary, SegmentDef } from '../dictionary/types';
import { reportedAt, schemaDiagnostic, type Diagnostic } from './diagnostics';
import { segmentKey, segmentLayout } from './layout';
import type { Separators } from './staging-values';
import type { StructureResolution } from './structure';
import { firstLeaf, type ComponentValue, type FieldValue, type LeafValue, type MessageView, type RepetitionValue, type SegmentView } from './view';

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

const jsonKeys = (prefix: string): string[] => Array.from({ length: 128 }, (_, i) => `"${prefix}_${i + 1}":`);
const COMPONENT = jsonKeys('component');
const SUBCOMPONENT = jsonKeys('subcomponent');
const FIELD = ['"field_0":', ...jsonKeys('field')];
const compKey = (i: number): string => COMPONENT[i] ?? `"component_${i + 1}":`;
const subKey = (i: number): string => SUBCOMPONENT[i] ?? `"subcomponent_${i + 1}":`;
const fieldKey = (n: number): string => FIELD[n] ?? `"field_${n}":`;

function leaf(v: LeafValue): string {
  return v === '' ? '' : v === null ? 'null' : str(v);
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

function componentText(c: ComponentValue, type: DatatypeDef | undefined, seps: Separators): string {
  if (type === undefined || type.kind !== 'composite') {
    if (typeof c === 'string' || c === null) return leaf(c);
    if (type !== undefined) return joinLeaves(c, seps.subcomponent);
    let out = '';
    for (let i = 0; i < c.length; i++) {
      const v = leaf(c[i] as LeafValue);
      if (v !== '') out += (out === '' ? '{' : ',') + subKey(i) + v;
    }
    return out === '' ? '' : `${out}}`;
  }
  if (typeof c === 'string' || c === null) {
    if (c === '') return '';
    if (c === null) return 'null';
    return `{${type.components[0]?.jsonKey ?? subKey(0)}${str(c)}}`;
  }
  let out = '';
  const defs = type.components;
  for (let i = 0; i < c.length; i++) {
    const v = leaf(c[i] as LeafValue);
    if (v !== '') out += (out === '' ? '{' : ',') + (defs[i]?.jsonKey ?? subKey(i)) + v;
  }
  return out === '' ? '' : `${out}}`;
}

function repetitionText(rep: RepetitionValue, type: DatatypeDef | undefined, seps: Separators): string {
  if (type === undefined || type.kind === 'varies') {
    if (rep.length === 1) return componentText(rep[0] as ComponentValue, undefined, seps);
    let out = '';
    for (let i = 0; i < rep.length; i++) {
      const v = componentText(rep[i] as ComponentValue, undefined, seps);
      if (v !== '') out += (out === '' ? '{' : ',') + compKey(i) + v;
    }
    return out === '' ? '' : `${out}}`;
  }
  if (type.kind === 'primitive') {
    if (rep.length === 1) {
      const v = primitiveRaw(rep[0] as ComponentValue, seps);
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
  const defs = type.components;
  for (let i = 0; i < rep.length; i++) {
    const def = defs[i];
    const v = componentText(rep[i] as ComponentValue, def?.type, seps);
    if (v !== '') out += (out === '' ? '{' : ',') + (def?.jsonKey ?? compKey(i)) + v;
  }
  return out === '' ? '' : `${out}}`;
}

function arrayText(f: FieldValue, from: number, type: DatatypeDef | undefined, seps: Separators): string {
  let out = '';
  for (let r = from; r < f.length; r++) {
    const v = repetitionText(f[r] as RepetitionValue, type, seps);
    if (v !== '') out += (out === '' ? '[' : ',') + v;
  }
  return out === '' ? '' : `${out}]`;
}

function segmentText(seg: SegmentView, segRep: number, def: SegmentDef | undefined, dict: Dictionary, seps: Separators, warnings: Diagnostic[]): string {
  let out = '';
  const fields = seg.fields;
  const defs = def?.fields;
  let variesType: string | undefined;
  for (let n = 1; n < fields.length; n++) {
    const f = fields[n];
    if (f === undefined) continue;
    const fd = defs?.[n];
    if (fd === undefined) {
      const v = f.length === 1 ? repetitionText(f[0] as RepetitionValue, undefined, seps) : arrayText(f, 0, undefined, seps);
      if (v !== '') out += (out === '' ? '{' : ',') + fieldKey(n) + v;
      continue;
    }
    let type = fd.type;
    if (type !== undefined && type.kind === 'varies' && seg.id === 'OBX') {
      variesType ??= firstLeaf(fields[2]).trim().toUpperCase();
      type = variesType === '' ? undefined : dict.datatype(variesType);
    }
    if (fd.repeats) {
      const v = arrayText(f, 0, type, seps);
      if (v !== '') out += (out === '' ? '{' : ',') + fd.jsonKey + v;
      continue;
    }
    const v = repetitionText(f[0] as RepetitionValue, type, seps);
    if (v !== '') out += (out === '' ? '{' : ',') + fd.jsonKey + v;
    if (f.length > 1) {
      const extra = arrayText(f, 1, type, seps);
      if (extra !== '') {
        out += `${out === '' ? '{' : ','}${JSON.stringify(`${fd.key}_extra`)}:${extra}`;
        if (!reportedAt(warnings, 'FIELD_REPEATED', seg.id, segRep, n)) {
          warnings.push(
            schemaDiagnostic('FIELD_REPEATED', 'warning', `${seg.id}-${n} does not repeat in the dictionary; extra repetitions kept under ${fd.key}_extra`, {
              line: seg.line,
              segment: seg.id,
              segmentRepetition: segRep,
              field: n,
            }),
          );
        }
      }
    }
  }
  return out === '' ? '{}' : `${out}}`;
}

interface Slot {
  array: boolean;
  /** The segment objects so far, comma-separated (a rope: flattened once, with the document). */
  text: string;
}

/** JSON key text (`"pid"`) of a segment id, cached (ids are few and short). */
const segmentKeys = new Map<string, string>();

function segmentJsonKey(id: string): string {
  let k = segmentKeys.get(id);
  if (k === undefined) {
    k = str(segmentKey(id));
    if (segmentKeys.size >= 4096) segmentKeys.clear();
    segmentKeys.set(id, k);
  }
  return k;
}

/**
 * Staging JSON text. `_meta` is written first but built last, so warnings raised while
 * writing the segments are included.
 */
export function writeStagingText(
  view: MessageView,
  dict: Dictionary,
  resolution: StructureResolution,
  warnings: Diagnostic[],
): string {
  const seps: Separators = { component: view.componentSeparator, subcomponent: view.subcomponentSeparator };
  const layout = segmentLayout(dict, resolution.structure);
  const slots = new Map<string, Slot>();
  const seen = new Map<string, number>();
  for (const seg of view.segments) {
    const n = (seen.get(seg.id) ?? 0) + 1;
    seen.set(seg.id, n);
    const text = segmentText(seg, n, dict.segment(seg.id), dict, seps, warnings);
    const key = segmentJsonKey(seg.id);
    const repeats = layout.repeats.get(seg.id) ?? true;
    if (repeats || n === 1) {
      const slot = slots.get(key);
      if (slot === undefined) slots.set(key, { array: repeats, text });
      else slot.text += `,${text}`;
      continue;
    }
    const extraKey = `${segmentKey(seg.id)}_extra`;
    const extraJsonKey = str(extraKey);
    const slot = slots.get(extraJsonKey);
    if (slot === undefined) slots.set(extraJsonKey, { array: true, text });
    else slot.text += `,${text}`;
    warnings.push(
      schemaDiagnostic('SEGMENT_REPEATED', 'warning', `${seg.id} occurs more than once but ${resolution.structure ?? 'the structure'} allows one; kept under ${extraKey}`, {
        line: seg.line,
        segment: seg.id,
        segmentRepetition: n,
      }),
    );
  }
  const meta = {
    version: resolution.version.sent ?? null,
    dictionaryVersion: resolution.dictionaryVersion,
    structure: resolution.structure ?? null,
    warnings,
  };
  let out = `{"_meta":${JSON.stringify(meta)}`;
  for (const [key, slot] of slots) out += slot.array ? `,${key}:[${slot.text}]` : `,${key}:${slot.text}`;
  return `${out}}`;
}
