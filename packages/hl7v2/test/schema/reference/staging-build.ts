/**
 * The reference staging writer (tests only): builds the staging document as objects, the
 * plain way, so that `JSON.stringify` of it can be compared with the text the package's one
 * writer (src/schema/staging-text.ts) produces. It follows docs/hl7v2-staging-json.md:
 * segment keys lower-case, fields by dictionary key, arrays decided by the dictionary only.
 */
import type { Dictionary, ElementDef, SegmentDef } from '../../../src/dictionary/types';
import { ReportedRepetitions, reportExtraRepetitions, reportExtraSegment, type Diagnostic } from '../../../src/schema/diagnostics';
import { segmentKey, segmentLayout } from '../../../src/schema/layout';
import type { JsonObject, JsonValue, StagingDocument } from '../../../src/schema/staging-document';
import type { StructureResolution } from '../../../src/schema/structure';
import { firstLeaf, type FieldValue, type MessageView, type SegmentView } from '../../../src/schema/view';
import { repetitionValue, type Separators } from './staging-values';

const FIELD_KEYS = Array.from({ length: 128 }, (_, i) => `field_${i}`);
const fieldKey = (n: number): string => FIELD_KEYS[n] ?? `field_${n}`;

export function buildStaging(view: MessageView, dict: Dictionary, resolution: StructureResolution, warnings: Diagnostic[]): StagingDocument {
  const seps: Separators = { component: view.componentSeparator, subcomponent: view.subcomponentSeparator };
  const layout = segmentLayout(dict, resolution.structure);
  const doc: StagingDocument = {
    _meta: {
      version: resolution.version.sent ?? null,
      dictionaryVersion: resolution.dictionaryVersion,
      structure: resolution.structure ?? null,
      warnings,
    },
  };
  const seen = new Map<string, number>();
  const reported = new ReportedRepetitions(warnings);
  for (const seg of view.segments) {
    const n = (seen.get(seg.id) ?? 0) + 1;
    seen.set(seg.id, n);
    const obj = segmentObject(seg, n, dict.segment(seg.id), dict, seps, warnings, reported);
    const key = segmentKey(seg.id);
    const repeats = layout.repeats.get(seg.id) ?? true;
    if (repeats) {
      const arr = doc[key] as JsonObject[] | undefined;
      if (arr === undefined) doc[key] = [obj];
      else arr.push(obj);
    } else if (n === 1) {
      doc[key] = obj;
    } else {
      const extraKey = `${key}_extra`;
      const arr = doc[extraKey] as JsonObject[] | undefined;
      if (arr === undefined) doc[extraKey] = [obj];
      else arr.push(obj);
      reportExtraSegment(warnings, seg, n, resolution.structure, extraKey);
    }
  }
  return doc;
}

function segmentObject(
  seg: SegmentView,
  segRep: number,
  def: SegmentDef | undefined,
  dict: Dictionary,
  seps: Separators,
  warnings: Diagnostic[],
  reported: ReportedRepetitions,
): JsonObject {
  const out: JsonObject = {};
  const fields = seg.fields;
  const defs = def?.fields;
  let variesType: string | undefined;
  for (let n = 1; n < fields.length; n++) {
    const f = fields[n];
    if (f === undefined) continue;
    const fd: ElementDef | undefined = defs?.[n];
    if (fd === undefined) {
      const v = unknownField(f, seps);
      if (v !== undefined) out[fieldKey(n)] = v;
      continue;
    }
    let type = fd.type;
    if (type !== undefined && type.kind === 'varies' && seg.id === 'OBX') {
      variesType ??= firstLeaf(fields[2]).trim().toUpperCase();
      type = variesType === '' ? undefined : (dict.datatype(variesType) ?? undefined);
    }
    if (fd.repeats) {
      const arr: JsonValue[] = [];
      for (const rep of f) {
        const v = repetitionValue(rep, type, seps);
        if (v !== undefined) arr.push(v);
      }
      if (arr.length > 0) out[fd.key] = arr;
      continue;
    }
    const v = repetitionValue(f[0] as FieldValue[number], type, seps);
    if (v !== undefined) out[fd.key] = v;
    if (f.length > 1) {
      const extra: JsonValue[] = [];
      for (let r = 1; r < f.length; r++) {
        const x = repetitionValue(f[r] as FieldValue[number], type, seps);
        if (x !== undefined) extra.push(x);
      }
      if (extra.length > 0) {
        out[`${fd.key}_extra`] = extra;
        reportExtraRepetitions(warnings, reported, seg, segRep, n, fd.key);
      }
    }
  }
  return out;
}

function unknownField(f: FieldValue, seps: Separators): JsonValue | undefined {
  if (f.length === 1) return repetitionValue(f[0] as FieldValue[number], undefined, seps);
  const arr: JsonValue[] = [];
  for (const rep of f) {
    const v = repetitionValue(rep, undefined, seps);
    if (v !== undefined) arr.push(v);
  }
  return arr.length > 0 ? arr : undefined;
}
