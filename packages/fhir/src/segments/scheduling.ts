/**
 * SCH (+ AIS, AIG, AIL, AIP) → Appointment; TXA (+ OBX) → DocumentReference; MRG → the merge
 * link (IG SCH[Appointment], AI*[Appointment], TXA[DocumentReference], OBX[DocumentReference]).
 */
import { codeableConcept, mappedCode } from '../datatypes/coded';
import { eiIdentifier, eiKey } from '../datatypes/identifiers';
import { toDateTime, toInstant } from '../datatypes/dtm';
import type { Mapping } from '../mapping';
import { append, clean, type CodeableConcept, type FhirResource, type Json, type Reference } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Segment } from '../v2';
import { location, practitioner } from './actors';
import { base64Utf8, edAttachment } from './observation';

const SCH_STATUS_BY_EVENT: Readonly<Record<string, string>> = {
  S12: 'booked',
  S13: 'booked',
  S14: 'booked',
  S15: 'cancelled',
  S17: 'entered-in-error',
  S26: 'noshow',
};

export function mapSch(m: Mapping, sch: V2Segment, position: string): FhirResource {
  const placer = rep1(sch, 1);
  const filler = rep1(sch, 2);
  const key = eiKey(filler) ?? eiKey(placer);
  const status = mappedCode('FillerStatusCodes[Appointment]', val(sch, 25)) ?? SCH_STATUS_BY_EVENT[m.event] ?? 'booked';
  const timing = rep1(sch, 11);
  const start = toInstant(comp(timing, 4), m.offset);
  const end = toInstant(comp(timing, 5), m.offset);
  const participant: Json[] = [];
  if (m.patient !== undefined) participant.push({ actor: m.patient, status: 'accepted' });
  const appointment = clean({
    resourceType: 'Appointment',
    id: m.id('Appointment', key !== undefined ? `sch:${m.scope}|${key}` : undefined, position),
    identifier: [eiIdentifier(placer, 'PLAC'), eiIdentifier(filler, 'FILL')].filter((i) => i !== undefined),
    status,
    cancelationReason: status === 'cancelled' ? codeableConcept(rep1(sch, 6)) : undefined,
    serviceType: [codeableConcept(rep1(sch, 8))].filter((c) => c !== undefined),
    appointmentType: codeableConcept(rep1(sch, 8), '0276') !== undefined ? codeableConcept(rep1(sch, 8), '0276') : codeableConcept(rep1(sch, 7)),
    reasonCode: [codeableConcept(rep1(sch, 7))].filter((c) => c !== undefined),
    start: start !== undefined && end !== undefined ? start : undefined,
    end: start !== undefined && end !== undefined ? end : undefined,
    minutesDuration:
      val(sch, 9) !== undefined && /^\d+$/.test(val(sch, 9) as string) && (comp(rep1(sch, 10), 1) ?? 'min').toLowerCase().startsWith('min')
        ? Number(val(sch, 9))
        : undefined,
    participant,
  } as Json) as FhirResource;
  if (appointment.start === undefined) delete appointment.end;
  m.add(appointment);
  return appointment;
}

/** AIS, AIG, AIL, AIP → a participant of the current Appointment. */
export function mapAppointmentResource(m: Mapping, seg: V2Segment, appointment: FhirResource | undefined): boolean {
  if (appointment === undefined) return false;
  let actor: Reference | undefined;
  let type: CodeableConcept | undefined;
  if (seg.id === 'AIS') {
    const service = codeableConcept(rep1(seg, 3));
    if (service !== undefined) append(appointment, 'serviceType', service);
    setTimes(appointment, toInstant(val(seg, 4), m.offset), undefined);
    return true;
  }
  if (seg.id === 'AIP') {
    actor = practitioner(m, rep1(seg, 3));
    type = codeableConcept(rep1(seg, 4), '0443');
  } else if (seg.id === 'AIL') {
    actor = location(m, rep1(seg, 3));
    type = codeableConcept(rep1(seg, 4));
  } else if (seg.id === 'AIG') {
    const name = comp(rep1(seg, 3), 2) ?? comp(rep1(seg, 3), 1);
    if (name !== undefined) actor = { reference: '', display: name };
    type = codeableConcept(rep1(seg, 4));
  }
  if (actor === undefined) return true;
  const participant = clean({
    type: type !== undefined ? [type] : undefined,
    actor: actor.reference === '' ? { display: actor.display } : actor,
    status: 'accepted',
  } as Json);
  append(appointment, 'participant', participant);
  setTimes(appointment, toInstant(val(seg, 6), m.offset), undefined);
  return true;
}

/**
 * Start and end go together (app-2): a resource segment's start time, when the SCH gave none,
 * is used with the SCH's duration to get the end; a start with no end is left out.
 */
function setTimes(appointment: FhirResource, start: string | undefined, end: string | undefined): void {
  if (appointment.start !== undefined || start === undefined) return;
  const minutes = appointment.minutesDuration as number | undefined;
  const until = end ?? (minutes !== undefined && !Number.isNaN(Date.parse(start)) ? addMinutes(start, minutes) : undefined);
  if (until === undefined) return;
  appointment.start = start;
  appointment.end = until;
}

/** start + minutes, written in start's own offset. */
function addMinutes(start: string, minutes: number): string {
  const offset = /(Z|[+-]\d{2}:\d{2})$/.exec(start)?.[1] ?? 'Z';
  const sign = offset === 'Z' ? 0 : offset.startsWith('-') ? -1 : 1;
  const offMs = offset === 'Z' ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
  const local = new Date(Date.parse(start) + minutes * 60_000 + offMs).toISOString().slice(0, 19);
  return `${local}${offset}`;
}

const DOC_STATUS: Readonly<Record<string, string>> = {
  AU: 'final',
  LA: 'final',
  DI: 'preliminary',
  DO: 'preliminary',
  IN: 'preliminary',
  IP: 'preliminary',
  PA: 'preliminary',
  CA: 'entered-in-error',
};

export function mapTxa(m: Mapping, txa: V2Segment, position: string): FhirResource {
  const unique = rep1(txa, 12);
  const key = eiKey(unique);
  const completion = val(txa, 17);
  const authors = reps(txa, 9)
    .map((r) => practitioner(m, r))
    .filter((p) => p !== undefined);
  const created = toDateTime(val(txa, 4), m.offset) ?? toDateTime(val(txa, 6), m.offset);
  const doc = clean({
    resourceType: 'DocumentReference',
    id: m.id('DocumentReference', key !== undefined ? `txa:${m.scope}|${key}` : undefined, position),
    masterIdentifier: eiIdentifier(unique),
    // TXA-16, the unique document file name (IG TXA[DocumentReference] rows 7-8).
    identifier: val(txa, 16) !== undefined ? [{ value: val(txa, 16) }] : undefined,
    status: completion === 'CA' ? 'entered-in-error' : 'current',
    docStatus: DOC_STATUS[completion ?? ''],
    type: codeableConcept(rep1(txa, 2), '0270') ?? { text: 'unknown' },
    subject: m.patient,
    date: toInstant(val(txa, 6), m.offset) ?? toInstant(val(txa, 4), m.offset),
    author: authors,
    authenticator: practitioner(m, rep1(txa, 10)),
    content: [],
    context: clean({
      encounter: m.encounter !== undefined ? [m.encounter] : undefined,
      period: created !== undefined ? { start: created } : undefined,
    } as Json),
  } as Json) as FhirResource;
  doc.content = [];
  m.add(doc);
  return doc;
}

/** OBX in an MDM: its value is the document's content (TX/FT/ST text, ED data, RP pointer). */
export function mapDocumentObx(m: Mapping, obx: V2Segment, doc: FhirResource): void {
  const type = val(obx, 2) ?? 'TX';
  const content = doc.content as Json[];
  if (type === 'ED') {
    for (const r of reps(obx, 5)) {
      const a = edAttachment(r);
      if (a !== undefined) content.push({ attachment: a });
    }
    return;
  }
  if (type === 'RP') {
    for (const r of reps(obx, 5)) if (comp(r, 1) !== undefined) content.push({ attachment: { url: comp(r, 1) } });
    return;
  }
  const text = reps(obx, 5)
    .map((r) => r.map((c) => (c === null ? '' : typeof c === 'string' ? c : c.join('&'))).join('^'))
    .join('\n');
  if (text.trim() === '') return;
  // Consecutive text OBX lines are one document: append to the text attachment already there.
  const last = content[content.length - 1]?.attachment as Json | undefined;
  if (last !== undefined && last.contentType === 'text/plain' && typeof last.text === 'string') {
    last.text = `${last.text}\n${text}`;
    last.data = base64Utf8(last.text as string);
    return;
  }
  content.push({ attachment: { contentType: 'text/plain', data: base64Utf8(text), text } });
}

/** Drops the working `text` kept on text attachments while OBX lines were appended. */
export function finishDocument(doc: FhirResource): void {
  const content = doc.content as Json[];
  for (const c of content) delete (c.attachment as Json).text;
  if (content.length === 0) content.push({ attachment: { contentType: 'text/plain', title: 'no content sent' } });
}
