/** OBX → Observation, NTE → notes (IG OBX[Observation], NTE). */
import { codeableConcept, mappedCode, mappedConcept } from '../datatypes/coded';
import { eiIdentifier, eiKey } from '../datatypes/identifiers';
import { toDateTime } from '../datatypes/dtm';
import { obxValue, unitOf } from '../datatypes/values-obx';
import { conceptKey } from '../keys';
import type { Mapping } from '../mapping';
import { append, type FhirResource, type Json, type Reference } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Repetition, V2Segment } from '../v2';
import { organizationXon, practitioner } from './actors';

/** UTF-8 text → base64 without Node's Buffer (the package stays portable). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const RANGE = /^\s*([+-]?\d+(?:\.\d+)?)\s*-\s*([+-]?\d+(?:\.\d+)?)\s*$/;

function referenceRange(text: string | undefined, unitsRep: V2Repetition | undefined): Json[] | undefined {
  if (text === undefined) return undefined;
  const r = RANGE.exec(text);
  if (r === null) return [{ text }];
  const units = unitOf(unitsRep);
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

/**
 * An ED or RP value: R4 Observation.value[x] has no Attachment, so the IG puts it in the R5
 * cross-version extension (IG OBX[Observation] rows 21-24).
 */
const VALUE_ATTACHMENT = 'https://hl7.org/fhir/5.0/StructureDefinition/extension-Observation.valueAttachment';

export function mapObx(m: Mapping, obx: V2Segment, position: string): void {
  const type = val(obx, 2) ?? 'ST';
  const code = codeableConcept(rep1(obx, 3)) ?? { text: 'unknown' };
  const order = m.order;
  const units = rep1(obx, 6);
  const values = reps(obx, 5);
  const document = type === 'ED' || type === 'RP';
  const attachments = document
    ? values.map((r) => (type === 'ED' ? edAttachment(r) : comp(r, 1) !== undefined ? { url: comp(r, 1) } : undefined)).filter((a) => a !== undefined)
    : [];
  const instance = eiKey(rep1(obx, 21));
  // OBX-21 names the observation instance; sent twice in one message, the second is kept as
  // an observation of its own rather than dropped.
  const instanceKey = m.firstUse(instance !== undefined ? `obx:${m.scope}|${instance}` : undefined);
  const fresh = instanceKey !== undefined;
  const key = fresh ? instanceKey : order?.key !== undefined ? `${order.key}|obx:${val(obx, 1) ?? ''}|${conceptKey(code)}|${val(obx, 4) ?? ''}` : undefined;
  const mapped = document ? [] : values.map((r) => obxValue(type, r, units, m.offset)).filter((v) => v !== undefined);
  const statusCode = val(obx, 11);
  const effective = toDateTime(val(obx, 14), m.offset) ?? (order?.report?.effectiveDateTime as string | undefined);
  const performer: Reference[] = [];
  for (const r of reps(obx, 16)) {
    const p = practitioner(m, r);
    if (p !== undefined) performer.push(p);
  }
  const org = organizationXon(m, rep1(obx, 23));
  if (org !== undefined) performer.push(org);
  // Built element by element (no clean() pass): Observations are most of a result message.
  const obs: Json = { resourceType: 'Observation', id: m.id('Observation', key, position) };
  const identifier = eiIdentifier(rep1(obx, 21));
  if (identifier !== undefined) obs.identifier = [identifier];
  if (order?.serviceRequest !== undefined) obs.basedOn = [order.serviceRequest];
  obs.status =
    mappedCode('ObservationResultStatusCodesInterpretation', statusCode) ??
    (statusCode === 'I' || statusCode === 'R' || statusCode === 'S' ? 'registered' : 'unknown');
  if (m.messageCode === 'ORU' || m.messageCode === 'OUL')
    obs.category = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }];
  obs.code = code;
  if (m.patient !== undefined) obs.subject = m.patient;
  if (m.encounter !== undefined) obs.encounter = m.encounter;
  if (effective !== undefined) obs.effectiveDateTime = effective;
  if (performer.length > 0) obs.performer = performer;
  const interpretation: Json[] = [];
  for (const r of reps(obx, 8)) {
    const c = mappedConcept('InterpretationCodes', comp(r, 1), '0078');
    if (c !== undefined) interpretation.push(c as Json);
  }
  if (interpretation.length > 0) obs.interpretation = interpretation;
  const method = codeableConcept(rep1(obx, 17));
  if (method !== undefined) obs.method = method;
  const bodySite = codeableConcept(rep1(obx, 20));
  if (bodySite !== undefined) obs.bodySite = bodySite;
  const specimen = order?.specimens[0];
  if (specimen !== undefined) obs.specimen = specimen;
  const range = referenceRange(val(obx, 7), units);
  if (range !== undefined) obs.referenceRange = range;
  if (attachments.length > 0) obs.extension = attachments.map((valueAttachment) => ({ url: VALUE_ATTACHMENT, valueAttachment }));
  if (mapped.length === 1) Object.assign(obs, mapped[0]);
  else if (mapped.length > 1) {
    // Several values (OBX-5 repeats): one component each, keeping every repetition.
    obs.component = mapped.map((v) => ({ code, ...v }));
  }
  const ref = m.add(obs as FhirResource);
  if (order !== undefined) {
    order.observations.push(ref);
    if (order.report !== undefined) append(order.report, 'result', ref);
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
