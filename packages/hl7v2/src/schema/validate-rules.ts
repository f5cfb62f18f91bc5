/**
 * Dictionary validation rules over a message view. Severity policy (the lake sends a message
 * to the error zone when any diagnostic is an error), chosen against the corpus so that real
 * traffic stages and deliberately broken input does not:
 *
 * errors  ENCODING_CHARACTERS_INVALID  MSH-2 cannot be a set of delimiters: 1-2 or more than 5
 *                                      characters, a character outside printable ASCII, a digit,
 *                                      `"` (it would clash with the explicit null), the field
 *                                      separator, or a repeated character (a doubled escape
 *                                      character `\\` is tolerated: a common quoting mistake)
 *         NON_SEGMENT_LINES            two or more lines in one message that are not segments
 *                                      (one stray line is tolerated, as senders wrap text)
 *         ENVELOPE_SEGMENT_IN_MESSAGE  MSH/FHS/BHS after the first segment, or BTS/FTS followed
 *                                      by message segments
 *         EMPTY_MESSAGE                only an MSH with MSH-3..MSH-11 all empty
 * warnings everything else: unknown segment (non Z), segment not in the structure, required
 *         segment or field missing, value not in an HL7 table, field repeated when it may not,
 *         field position unknown, version/type/structure unresolved, MSH-2 not the usual 4.
 *
 * Every rule does a bounded amount of work per finding (findings past the cap are only
 * counted, see diagnostic-list.ts), so validation stays linear in the size of the message.
 */
import { addDiagnostic, countDropped, isFull } from '../diagnostic-list';
import { dictionaryChecks, type TableCheck } from '../dictionary/field-checks';
import type { Dictionary, ElementDef, MessageStructure, StructureNode } from '../dictionary/types';
import { SegmentRepetitions } from '../repetitions';
import { schemaDiagnostic, type Diagnostic, type SchemaLocation } from './diagnostics';
import { segmentLayout } from './layout';
import type { StructureResolution } from './structure';
import { isEmptyField, type FieldValue, type MessageView, type SegmentView } from './view';

export function checkEncodingCharacters(msh: SegmentView, out: Diagnostic[]): void {
  const fieldSep = leafText(msh.fields[1]);
  const enc = leafText(msh.fields[2]);
  const loc = { line: msh.line, segment: 'MSH', segmentRepetition: 1, field: 2 };
  if (enc.length === 0) {
    addDiagnostic(out, schemaDiagnostic('ENCODING_CHARACTERS_MISSING', 'warning', 'MSH-2 is empty; default delimiters ^~\\& assumed', loc));
    return;
  }
  let problem: string | undefined;
  if (enc.length < 3) problem = `MSH-2 has ${enc.length} character(s), at least 3 are needed`;
  else if (enc.length > 5) problem = `MSH-2 has ${enc.length} characters, at most 5 are defined`;
  else {
    for (let i = 0; i < enc.length && problem === undefined; i++) {
      const ch = enc[i] as string;
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) problem = `MSH-2 character ${i + 1} is not printable ASCII`;
      else if (ch >= '0' && ch <= '9') problem = `MSH-2 character ${i + 1} is a digit`;
      else if (ch === '"') problem = `MSH-2 character ${i + 1} is '"', which marks the explicit null`;
      else if (ch === fieldSep) problem = `MSH-2 character ${i + 1} repeats the field separator`;
      else if (enc.indexOf(ch) < i && !(ch === '\\' && enc[i - 1] === '\\')) problem = `MSH-2 character ${i + 1} repeats another delimiter`;
    }
  }
  if (problem !== undefined) addDiagnostic(out, schemaDiagnostic('ENCODING_CHARACTERS_INVALID', 'error', problem, loc));
  else if (enc.length !== 4 && !(enc.length === 5 && enc.startsWith('^~\\&'))) {
    addDiagnostic(out, schemaDiagnostic('ENCODING_CHARACTERS_UNUSUAL', 'warning', `MSH-2 has ${enc.length} characters instead of 4`, loc));
  }
}

const isTrailer = (id: string): boolean => id === 'BTS' || id === 'FTS';

/**
 * The message's shape. The envelope findings (ENVELOPE_SEGMENT_IN_MESSAGE) go to `envelope`,
 * in message order: validateMessage lists them before every other finding.
 */
export function checkMessageShape(view: MessageView, nonSegmentLines: readonly number[], out: Diagnostic[], envelope: Diagnostic[] = out): void {
  const segs = view.segments;
  // Headers never belong inside a message; trailers (BTS/FTS) only at its end, that is after
  // the last segment that is not a trailer.
  let lastBody = 0;
  for (let i = segs.length - 1; i >= 1 && lastBody === 0; i--) if (!isTrailer((segs[i] as SegmentView).id)) lastBody = i;
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i] as SegmentView;
    const header = s.id === 'MSH' || s.id === 'FHS' || s.id === 'BHS';
    if (!header && !(i < lastBody && isTrailer(s.id))) continue;
    if (isFull(envelope)) countDropped(envelope, 'error', s.line);
    else envelope.push(schemaDiagnostic('ENVELOPE_SEGMENT_IN_MESSAGE', 'error', `${s.id} segment inside a message body`, { line: s.line, segment: s.id }));
  }
  if (nonSegmentLines.length >= 2) {
    addDiagnostic(
      out,
      schemaDiagnostic('NON_SEGMENT_LINES', 'error', `${nonSegmentLines.length} lines in the message are not segments`, {
        line: nonSegmentLines[1] as number,
      }),
    );
  }
  const msh = segs[0];
  if (msh !== undefined && segs.length === 1) {
    let any = false;
    for (let n = 3; n <= 11 && !any; n++) if (!isEmptyField(msh.fields[n])) any = true;
    if (!any)
      addDiagnostic(
        out,
        schemaDiagnostic('EMPTY_MESSAGE', 'error', 'the message has no segment after MSH and MSH-3..MSH-11 are empty', { line: msh.line, segment: 'MSH' }),
      );
  }
}

export function checkStructure(view: MessageView, dict: Dictionary, res: StructureResolution, out: Diagnostic[]): void {
  const msh = view.segments[0];
  const line = msh?.line ?? 1;
  for (const w of res.warnings) {
    const field = w === 'VERSION_MISSING' || w === 'VERSION_UNKNOWN' ? 12 : 9;
    const text: Record<typeof w, string> = {
      VERSION_MISSING: `MSH-12 is empty; dictionary ${res.dictionaryVersion} used`,
      VERSION_UNKNOWN: `MSH-12 is not an HL7 v2 version; dictionary ${res.dictionaryVersion} used`,
      MESSAGE_TYPE_MISSING: 'MSH-9 message type is empty',
      STRUCTURE_UNKNOWN: `MSH-9.3 is not a message structure of HL7 ${res.dictionaryVersion}`,
      STRUCTURE_GENERIC: 'no message structure found for MSH-9; generic layout used',
    };
    addDiagnostic(out, schemaDiagnostic(w, 'warning', text[w], { line, segment: 'MSH', segmentRepetition: 1, field }));
  }
  const layout = segmentLayout(dict, res.structure);
  const perSegment = dictionaryChecks(dict);
  for (const s of view.segments) {
    const known = perSegment.segment(s.id) !== undefined;
    const unknown = !known && !s.id.startsWith('Z');
    if (!unknown && !(known && res.structure !== undefined && !layout.anySegment && !layout.listed.has(s.id))) continue;
    if (isFull(out)) countDropped(out, 'warning', s.line);
    else if (unknown) {
      out.push(schemaDiagnostic('UNKNOWN_SEGMENT', 'warning', `${s.id} is not a segment of HL7 ${dict.version}`, { line: s.line, segment: s.id }));
    } else {
      out.push(schemaDiagnostic('SEGMENT_NOT_IN_STRUCTURE', 'warning', `${s.id} is not part of ${res.structure}`, { line: s.line, segment: s.id }));
    }
  }
  const structure = res.structure === undefined ? undefined : dict.structure(res.structure);
  if (structure === undefined) return;
  for (const id of requiredSegments(structure)) {
    if (!hasSegment(view.segments, id))
      addDiagnostic(out, schemaDiagnostic('REQUIRED_SEGMENT_MISSING', 'warning', `${res.structure as string} requires a ${id} segment`, { line }));
  }
}

/**
 * Ids of the segments a structure requires, in its order: required segments at its top level
 * and inside required groups that are not a choice (ANYHL7SEGMENT excluded). Cached per structure.
 */
const requiredCache = new WeakMap<MessageStructure, readonly string[]>();

function requiredSegments(structure: MessageStructure): readonly string[] {
  let ids = requiredCache.get(structure);
  if (ids === undefined) {
    const out: string[] = [];
    const walk = (nodes: readonly StructureNode[]): void => {
      for (const n of nodes) {
        if (n.min < 1) continue;
        if (n.kind === 'segment') {
          if (n.id !== 'ANYHL7SEGMENT') out.push(n.id);
        } else if (!n.choice) {
          walk(n.children);
        }
      }
    };
    walk(structure.children);
    ids = out;
    requiredCache.set(structure, ids);
  }
  return ids;
}

function hasSegment(segments: readonly SegmentView[], id: string): boolean {
  for (let i = 0; i < segments.length; i++) if ((segments[i] as SegmentView).id === id) return true;
  return false;
}

/**
 * Required fields, fields beyond the dictionary, repeated fields and table values. `reps`
 * gives the repetition number of a segment for a finding's location (counted once).
 */
export function checkFields(view: MessageView, dict: Dictionary, out: Diagnostic[], reps = new SegmentRepetitions(view.segments)): void {
  const segments = view.segments;
  const perSegment = dictionaryChecks(dict);
  for (let index = 0; index < segments.length; index++) {
    const seg = segments[index] as SegmentView;
    const id = seg.id;
    const checks = perSegment.segment(id);
    if (checks === undefined) continue;
    const isMsh = id === 'MSH';
    const defs = checks.def.fields;
    const fields = seg.fields;
    const required = isMsh ? checks.requiredFrom3 : checks.required;
    for (let k = 0; k < required.length; k++) {
      const n = required[k] as number;
      if (!isEmptyField(fields[n])) continue;
      if (isFull(out)) countDropped(out, 'warning', seg.line);
      else {
        const fd = defs[n] as ElementDef;
        out.push(
          schemaDiagnostic('REQUIRED_FIELD_MISSING', 'warning', `${id}-${n} (${fd.key}) is required`, {
            line: seg.line,
            segment: id,
            segmentRepetition: reps.at(index),
            field: n,
          }),
        );
      }
    }
    // An empty field raises nothing, but only the first two checks need to ask: the table
    // checks skip empty values, so a field the dictionary defines is not walked for that.
    for (let n = 1; n < fields.length; n++) {
      const f = fields[n];
      if (f === undefined) continue;
      const fd = defs[n];
      if (fd === undefined) {
        if (isEmptyField(f)) continue;
        if (isFull(out)) countDropped(out, 'warning', seg.line);
        else
          out.push(
            schemaDiagnostic('FIELD_UNKNOWN', 'warning', `${id}-${n} is not defined in HL7 ${dict.version}`, {
              line: seg.line,
              segment: id,
              segmentRepetition: reps.at(index),
              field: n,
            }),
          );
        continue;
      }
      if (f.length > 1 && !fd.repeats && !isMsh && !isEmptyField(f)) {
        if (isFull(out)) countDropped(out, 'warning', seg.line);
        else
          out.push(
            schemaDiagnostic('FIELD_REPEATED', 'warning', `${id}-${n} (${fd.key}) does not repeat`, {
              line: seg.line,
              segment: id,
              segmentRepetition: reps.at(index),
              field: n,
              repetition: 2,
            }),
          );
      }
      const tables = checks.tables[n] as readonly TableCheck[];
      if (tables.length > 0 && (n > 2 || !isMsh)) checkTables(f, tables, seg, index, reps, n, out);
    }
  }
}

/** Each repetition's values against the field's tables: repetition by repetition, components ascending. */
function checkTables(
  f: FieldValue,
  tables: readonly TableCheck[],
  seg: SegmentView,
  index: number,
  reps: SegmentRepetitions,
  field: number,
  out: Diagnostic[],
): void {
  for (let r = 0; r < f.length; r++) {
    const rep = f[r] as FieldValue[number];
    for (let k = 0; k < tables.length; k++) {
      const t = tables[k] as TableCheck;
      if (t.component >= rep.length) break;
      const value = first(rep[t.component]);
      if (value === '' || t.values.has(value)) continue;
      if (isFull(out)) countDropped(out, 'warning', seg.line);
      else unknownValue(t, seg, reps.at(index), field, r + 1, out);
    }
  }
}

function first(c: FieldValue[number][number] | undefined): string {
  if (c === undefined || c === null) return '';
  return typeof c === 'string' ? c : (c[0] ?? '');
}

function unknownValue(t: TableCheck, seg: SegmentView, segRep: number, field: number, repetition: number, out: Diagnostic[]): void {
  const loc: SchemaLocation = t.inComposite
    ? { line: seg.line, segment: seg.id, segmentRepetition: segRep, field, repetition, component: t.component + 1 }
    : { line: seg.line, segment: seg.id, segmentRepetition: segRep, field, repetition };
  out.push(schemaDiagnostic('TABLE_VALUE_UNKNOWN', 'warning', `value is not in HL7 table ${t.table}`, loc));
}

function leafText(f: FieldValue | undefined): string {
  const c = f?.[0]?.[0];
  if (c === undefined || c === null) return '';
  return typeof c === 'string' ? c : c.join('');
}
