/** OBX → Observation, SPM → Specimen, NTE → notes (IG OBX[Observation], SPM[Specimen], NTE). */
import { codeableConcept, mappedCode, mappedConcept } from '../datatypes/coded';
import { eiIdentifier, eiKey } from '../datatypes/identifiers';
import { toDateTime } from '../datatypes/dtm';
import { obxValue, unitOf } from '../datatypes/values-obx';
import { conceptKey } from '../keys';
import type { Mapping } from '../mapping';
import { append, clean, type CodeableConcept, type FhirResource, type Json, type Reference } from '../resource';
import { asRep, comp, rep1, reps, val } from '../values';
import type { V2Segment } from '../v2';
import { organizationXon, practitioner } from './actors';

/** UTF-8 text → base64 without Node's Buffer (the package stays portable). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const RANGE = /^\s*([+-]?\d+(?:\.\d+)?)\s*-\s*([+-]?\d+(?:\.\d+)?)\s*$/;

function referenceRange(text: string | undefined, units: Json): Json[] | undefined {
  if (text === undefined) return undefined;
  const r = RANGE.exec(text);
  if (r === null) return [{ text }];
  return [{ low: { value: Number(r[1]), ...units }, high: { value: Number(r[2]), ...units }, text }];
}

/** OBX with an ED value: an Attachment (ED.2 type, ED.3 subtype, ED.4 encoding, ED.5 data). */
export function edAttachment(rep: readonly (string | null | readonly (string | null)[])[]): Json | undefined {
  const data = comp(rep, 5);
  if (data === undefined) return undefined;
  const type = comp(rep, 2);
  const subtype = comp(rep, 3);
  const contentType =
    type !== undefined && subtype !== undefined ? `${type}/${subtype}`.toLowerCase() : subtype === 'PDF' ? 'application/pdf' : 'application/octet-stream';
  const base64 = comp(rep, 4)?.toUpperCase() === 'BASE64';
  return { contentType: contentType.includes('/') ? contentType : 'application/octet-stream', data: base64 ? data.replace(/\s+/g, '') : base64Utf8(data) };
}

/** A DiagnosticReport for a document OBX (ED, RP) outside any report: code OBX-3, status OBX-11. */
function documentReport(m: Mapping, obx: V2Segment, code: CodeableConcept, position: string): FhirResource {
  const instance = eiKey(rep1(obx, 21));
  const status = val(obx, 11);
  const report = clean({
    resourceType: 'DiagnosticReport',
    id: m.id('DiagnosticReport', instance !== undefined ? `obx-report:${m.scope}|${instance}` : undefined, position),
    identifier: [eiIdentifier(rep1(obx, 21))].filter((i) => i !== undefined),
    basedOn: m.order?.serviceRequest !== undefined ? [m.order.serviceRequest] : undefined,
    status: mappedCode('ResultStatus[Non-Queries]', status) ?? (status === 'C' ? 'corrected' : 'unknown'),
    code,
    subject: m.patient,
    encounter: m.encounter,
    effectiveDateTime: toDateTime(val(obx, 14), m.offset),
  } as Json) as FhirResource;
  m.add(report);
  return m.get({ reference: `DiagnosticReport/${report.id}` }) ?? report;
}

export function mapObx(m: Mapping, obx: V2Segment, position: string): void {
  const type = val(obx, 2) ?? 'ST';
  const code = codeableConcept(rep1(obx, 3)) ?? { text: 'unknown' };
  const order = m.order;
  const units = rep1(obx, 6);
  const values = reps(obx, 5);
  if (type === 'ED' || type === 'RP') {
    // An R4 Observation cannot hold a document: it is the report's presented form, of the
    // order's report or, with none, of a report of its own (as FHIR-Converter does).
    const attachments = values.map((r) => (type === 'ED' ? edAttachment(r) : { url: comp(r, 1) })).filter((a) => a !== undefined && Object.keys(a).length > 0);
    const report = order?.report ?? documentReport(m, obx, code, position);
    if (attachments.length > 0) append(report, 'presentedForm', ...attachments);
    return;
  }
  const instance = eiKey(rep1(obx, 21));
  const key =
    instance !== undefined
      ? `obx:${m.scope}|${instance}`
      : order?.key !== undefined
        ? `${order.key}|obx:${val(obx, 1) ?? ''}|${conceptKey(code)}|${val(obx, 4) ?? ''}`
        : undefined;
  const mapped = values.map((r) => obxValue(type, r, units, m.offset)).filter((v) => v !== undefined);
  const statusCode = val(obx, 11);
  const effective = toDateTime(val(obx, 14), m.offset) ?? (order?.report?.effectiveDateTime as string | undefined);
  const performer: Reference[] = [];
  for (const r of reps(obx, 16)) {
    const p = practitioner(m, r);
    if (p !== undefined) performer.push(p);
  }
  const org = organizationXon(m, rep1(obx, 23));
  if (org !== undefined) performer.push(org);
  const obs: Json = {
    resourceType: 'Observation',
    id: m.id('Observation', key, position),
    identifier: [eiIdentifier(rep1(obx, 21))].filter((i) => i !== undefined),
    basedOn: order?.serviceRequest !== undefined ? [order.serviceRequest] : undefined,
    status:
      mappedCode('ObservationResultStatusCodesInterpretation', statusCode) ??
      (statusCode === 'I' || statusCode === 'R' || statusCode === 'S' ? 'registered' : 'unknown'),
    category:
      m.messageCode === 'ORU' || m.messageCode === 'OUL'
        ? [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }]
        : undefined,
    code,
    subject: m.patient,
    encounter: m.encounter,
    effectiveDateTime: effective,
    performer,
    interpretation: reps(obx, 8)
      .map((r) => mappedConcept('InterpretationCodes', comp(r, 1), '0078'))
      .filter((c) => c !== undefined),
    method: codeableConcept(rep1(obx, 17)),
    bodySite: codeableConcept(rep1(obx, 20)),
    specimen: order?.specimens[0],
    referenceRange: referenceRange(val(obx, 7), unitOf(units)),
  };
  if (mapped.length === 1) Object.assign(obs, mapped[0]);
  else if (mapped.length > 1) {
    // Several values (OBX-5 repeats): one component each, keeping every repetition.
    obs.component = mapped.map((v) => ({ code, ...v }));
  }
  const ref = m.add(clean(obs) as never);
  if (order !== undefined) {
    order.observations.push(ref);
    if (order.report !== undefined) append(order.report, 'result', ref);
  }
}

/** SPM → Specimen, linked to the current order's report and observations. */
export function mapSpm(m: Mapping, spm: V2Segment, position: string): void {
  const id2 = rep1(spm, 2);
  const placer = asRep(id2, 1);
  const filler = asRep(id2, 2);
  const key = eiKey(filler) ?? eiKey(placer);
  const collected = rep1(spm, 17);
  const start = toDateTime(comp(collected, 1), m.offset);
  const end = toDateTime(comp(collected, 2), m.offset);
  const qty = rep1(spm, 12);
  const amount = comp(qty, 1);
  const collection = clean({
    collectedDateTime: end === undefined ? start : undefined,
    collectedPeriod: end !== undefined ? clean({ start, end }) : undefined,
    method: codeableConcept(rep1(spm, 7), '0488'),
    bodySite: codeableConcept(rep1(spm, 8)),
    quantity: amount !== undefined && /^\d+(\.\d+)?$/.test(amount) ? { value: Number(amount), ...unitOf(asRep(qty, 2)) } : undefined,
  } as Json);
  const specimen = clean({
    resourceType: 'Specimen',
    id: m.id(
      'Specimen',
      key !== undefined ? `spm:${m.scope}|${key}` : m.order?.key !== undefined ? `${m.order.key}|spm:${val(spm, 1) ?? ''}` : undefined,
      position,
    ),
    identifier: [eiIdentifier(placer, 'PLAC'), eiIdentifier(filler, 'FGN')].filter((i) => i !== undefined),
    status: val(spm, 20) === 'N' ? 'unavailable' : val(spm, 20) === 'Y' ? 'available' : undefined,
    type: codeableConcept(rep1(spm, 4), '0487'),
    subject: m.patient,
    receivedTime: toDateTime(val(spm, 18), m.offset),
    request: m.order?.serviceRequest !== undefined ? [m.order.serviceRequest] : undefined,
    collection,
    condition: reps(spm, 24)
      .map((r) => codeableConcept(r, '0493'))
      .filter((c) => c !== undefined),
    container: [codeableConcept(rep1(spm, 27))].filter((c) => c !== undefined).map((type) => ({ type })),
  } as Json) as FhirResource;
  const ref = m.add(specimen);
  const order = m.order;
  if (order === undefined) return;
  order.specimens.push(ref);
  if (order.report !== undefined) append(order.report, 'specimen', ref);
  const sr = m.get(order.serviceRequest);
  if (sr !== undefined) append(sr, 'specimen', ref);
  for (const o of order.observations) {
    const obs = m.get(o);
    if (obs !== undefined && obs.specimen === undefined) obs.specimen = ref;
  }
}

/** Resource types whose `note` (Annotation) takes an NTE. */
const TAKES_NOTE = new Set([
  'Observation',
  'ServiceRequest',
  'Immunization',
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'MedicationAdministration',
  'Specimen',
  'Procedure',
]);

/** NTE → a note on the resource the previous segment made; false when nothing takes it. */
export function mapNte(m: Mapping, nte: V2Segment): boolean {
  const text = reps(nte, 3)
    .map((r) => r.map((c) => (c === null ? '' : typeof c === 'string' ? c : c.join('&'))).join('^'))
    .join('\n')
    .trim();
  if (text === '') return true;
  const target = m.last;
  if (target === undefined) return false;
  if (TAKES_NOTE.has(target.resourceType)) {
    append(target, 'note', { text });
    return true;
  }
  if (target.resourceType === 'Appointment') {
    target.comment = target.comment === undefined ? text : `${target.comment as string}\n${text}`;
    return true;
  }
  if (target.resourceType === 'DiagnosticReport') {
    target.conclusion = target.conclusion === undefined ? text : `${target.conclusion as string}\n${text}`;
    return true;
  }
  return false;
}
