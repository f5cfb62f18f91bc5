/**
 * convertMessage: one parsed HL7 v2 message → the FHIR R4 resources it says, a transaction
 * Bundle of them, what was not mapped (notes) and the merge links. Pure: no I/O, no clock.
 */
import type { ConvertContext, MappingNote, PatientLink } from './context';
import { FhirContextError, FhirUnconvertibleError } from './errors';
import { segmentToEr7 } from './er7';
import { MAPPED_FIELDS } from './fields';
import { isFhirId } from './ids';
import { Mapping } from './mapping';
import type { FhirResource, Json } from './resource';
import { clinicalSegment } from './segments/dispatch';
import { mapMsh, provenance } from './segments/header';
import { finishDocument as finish } from './segments/scheduling';
import { hasValue, val } from './values';
import type { V2Message, V2Segment } from './v2';
import { toBundle } from './bundle';

export interface ConversionResult {
  /** Every resource of the bundle, MessageHeader first, Provenance last. */
  resources: FhirResource[];
  /** A FHIR transaction Bundle: one PUT per resource at its deterministic id. */
  bundle: FhirResource;
  /** What the mapping did not carry, located (`ZPI[1]`, `PID[1]-26`); never silent. */
  notes: MappingNote[];
  /** Merges the message states (A34/A40/A47...): which patient replaces which. */
  links: PatientLink[];
  /**
   * `<Type>/<id>` of the resources that are stubs: made only from another segment's reference
   * by identifier (DG1-22, PR1-25, SPM-3), so a store must not let one replace a full resource.
   */
  stubs: string[];
}

const Z_SEGMENT_EXTENSION = 'urn:hcdl:fhir:StructureDefinition:v2-segment';

/** Segments that carry nothing for FHIR by themselves (envelope, acknowledgement, continuation). */
const STRUCTURAL = new Set(['MSA', 'ERR', 'DSC', 'ADD', 'QAK', 'QPD', 'RCP']);

function checkContext(ctx: ConvertContext): void {
  if (typeof ctx.messageId !== 'string' || ctx.messageId === '') throw new FhirContextError('context.messageId is required');
  if (typeof ctx.source !== 'string' || ctx.source === '') throw new FhirContextError('context.source is required');
  if (ctx.patientId !== undefined && !isFhirId(ctx.patientId)) throw new FhirContextError('context.patientId is not a FHIR id ([A-Za-z0-9-.]{1,64})');
  if (ctx.defaultOffset !== undefined && !/^(Z|[+-]\d{2}:\d{2})$/.test(ctx.defaultOffset))
    throw new FhirContextError('context.defaultOffset must be Z or ±hh:mm');
}

function reportUnmappedFields(m: Mapping, seg: V2Segment, location: string): void {
  const mapped = MAPPED_FIELDS[seg.id];
  if (mapped === undefined) return;
  const fields = seg.fields;
  for (let f = 1; f < fields.length; f++) {
    const field = fields[f];
    if (field === undefined || mapped.has(f)) continue;
    for (const rep of field) {
      if (!hasValue(rep)) continue;
      m.note(`${location}-${f}`, 'unmapped-field', `${seg.id}-${f} has a value this mapping does not carry`);
      break;
    }
  }
}

export function convertMessage(message: V2Message, context: ConvertContext): ConversionResult {
  checkContext(context);
  const msh = message.segments[0];
  if (msh === undefined || msh.id !== 'MSH') throw new FhirUnconvertibleError('the message does not start with an MSH segment');
  const m = new Mapping(context);
  const { header, sender } = mapMsh(m, msh);
  const evn = message.segments.find((s) => s.id === 'EVN');
  const counts = new Map<string, number>();
  const zSegments: Json[] = [];
  const state = { appointment: undefined as FhirResource | undefined, document: undefined as FhirResource | undefined };
  for (let i = 1; i < message.segments.length; i++) {
    const seg = message.segments[i] as V2Segment;
    const n = (counts.get(seg.id) ?? 0) + 1;
    counts.set(seg.id, n);
    const location = `${seg.id}[${n}]`;
    if (seg.id === 'EVN' || STRUCTURAL.has(seg.id)) {
      if (seg.id === 'EVN') reportUnmappedFields(m, seg, location);
      continue;
    }
    if (seg.id === 'SFT') {
      const name = val(seg, 3);
      const source = header.source as Json;
      if (name !== undefined && source.software === undefined) source.software = name;
      if (val(seg, 2) !== undefined && source.version === undefined) source.version = val(seg, 2);
      continue;
    }
    if (seg.id.startsWith('Z')) {
      zSegments.push({ url: Z_SEGMENT_EXTENSION, valueString: segmentToEr7(seg) });
      m.note(location, 'unmapped-segment', `${seg.id} is a local segment: kept verbatim as an extension of MessageHeader`);
      continue;
    }
    const handled = clinicalSegment(m, seg, location, state);
    if (!handled) {
      m.note(location, 'unmapped-segment', `${seg.id} has no map in this package`);
      continue;
    }
    reportUnmappedFields(m, seg, location);
  }
  if (state.document !== undefined) finish(state.document);
  m.finishSubjects();
  for (const r of m.resources()) {
    // app-3: only a proposed, cancelled or waitlisted appointment may lack its times.
    if (r.resourceType === 'Appointment' && r.start === undefined && !['proposed', 'cancelled', 'waitlist'].includes(r.status as string)) {
      m.note(`SCH`, 'invalid-value', `Appointment ${r.status as string} without start and end times: recorded as proposed`);
      r.status = 'proposed';
    }
  }
  if (zSegments.length > 0) header.extension = zSegments;
  if (m.patient !== undefined) header.focus = [m.patient];
  reportUnmappedFields(m, msh, 'MSH[1]');
  const prov = provenance(m, msh, evn, sender);
  // The Provenance is the message's: its target is the MessageHeader that stands for the message
  // (as FHIR-Converter targets its Bundle). Every resource names the message in meta.source, so
  // `_source` finds what the message made without listing each resource here again.
  prov.target = [{ reference: `MessageHeader/${header.id}` }];
  m.add(prov);
  const all = m.resources();
  return { resources: all, bundle: toBundle(all, context.messageId), notes: m.notes, links: m.links, stubs: m.stubs() };
}
