/** PV1/PV2 → Encounter with its Location, Practitioner and Organization (IG PV1[Encounter], PV2). */
import { codeableConcept } from '../datatypes/coded';
import { cxIdentifier } from '../datatypes/identifiers';
import { toDateTime } from '../datatypes/dtm';
import type { Mapping } from '../mapping';
import { append, clean, type Json } from '../resource';
import { rep1, reps, val } from '../values';
import { mapCode } from '../vocab/concept-map';
import type { V2Segment } from '../v2';
import { location, practitioner } from './actors';

const PARTICIPANTS = [
  [7, 'ATND', 'attender'],
  [8, 'REF', 'referrer'],
  [9, 'CON', 'consultant'],
  [17, 'ADM', 'admitter'],
] as const;

export function mapPv1(m: Mapping, pv1: V2Segment, position: string): void {
  const visit = rep1(pv1, 19);
  const visitId = visit !== undefined ? cxIdentifier(visit, m.offset) : undefined;
  if (visitId !== undefined) visitId.type ??= { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'VN' }] };
  // PV1-50, the alternate visit ids (IG PV1[Encounter] row 48), every repetition sent.
  const alternates = reps(pv1, 50).map((r) => cxIdentifier(r, m.offset));
  const key = visitId !== undefined ? `${m.patient?.reference ?? ''}|${visitId.system ?? m.scope}#${visitId.value}` : undefined;
  const cls = val(pv1, 2);
  const classTarget = mapCode('PatientClass[EncounterClass]', cls);
  const participant: Json[] = [];
  for (const [field, code, display] of PARTICIPANTS) {
    for (const r of reps(pv1, field)) {
      const who = practitioner(m, r);
      if (who !== undefined)
        participant.push({ type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code, display }] }], individual: who });
    }
  }
  const locations: Json[] = [];
  const assigned = location(m, rep1(pv1, 3));
  if (assigned !== undefined) locations.push({ location: assigned, status: 'active' });
  const prior = location(m, rep1(pv1, 6));
  if (prior !== undefined) locations.push({ location: prior, status: 'completed' });
  const temporary = location(m, rep1(pv1, 11));
  if (temporary !== undefined) locations.push({ location: temporary, status: 'active', physicalType: { text: 'temporary' } });
  const start = toDateTime(val(pv1, 44), m.offset);
  const end = toDateTime(val(pv1, 45), m.offset);
  const statusByEvent = m.messageCode === 'ADT' ? mapCode('Event[EncounterStatus]', m.event)?.code : undefined;
  const status = end !== undefined ? 'finished' : (statusByEvent ?? mapCode('PatientClass[EncounterStatus]', cls)?.code ?? 'unknown');
  const dischargeDisposition = codeableConcept(rep1(pv1, 36), '0112');
  const admitSource = codeableConcept(rep1(pv1, 14), '0023');
  const readmission = codeableConcept(rep1(pv1, 13), '0092');
  const encounter = clean({
    resourceType: 'Encounter',
    id: m.id('Encounter', key, position),
    identifier: [visitId, ...alternates].filter((i) => i !== undefined),
    status,
    class:
      classTarget !== undefined
        ? clean({ system: classTarget.system, code: classTarget.code, display: classTarget.display })
        : { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK', display: 'unknown' },
    type: [codeableConcept(rep1(pv1, 4), '0007')].filter((c) => c !== undefined),
    serviceType: codeableConcept(rep1(pv1, 10), '0069'),
    subject: m.patient,
    participant,
    period: start !== undefined || end !== undefined ? clean({ start, end }) : undefined,
    hospitalization:
      dischargeDisposition !== undefined || admitSource !== undefined || readmission !== undefined || rep1(pv1, 37) !== undefined
        ? clean({
            admitSource,
            reAdmission: readmission,
            dischargeDisposition,
            dietPreference: [codeableConcept(rep1(pv1, 38), '0114')].filter((c) => c !== undefined),
            destination: location(m, rep1(pv1, 37)),
          } as Json)
        : undefined,
    location: locations,
  } as Json);
  const ref = m.add(encounter as never);
  m.encounter = ref;
}

const PLANNED_START = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.plannedStartDate';
const PLANNED_END = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.plannedEndDate';

/** PV2 → more of the current Encounter (admit reason, expected dates, length of stay). */
export function mapPv2(m: Mapping, pv2: V2Segment): void {
  const enc = m.get(m.encounter);
  if (enc === undefined) return;
  const reason = codeableConcept(rep1(pv2, 3));
  if (reason !== undefined) append(enc, 'reasonCode', reason);
  const text = val(pv2, 12);
  if (text !== undefined) enc.text = { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(text)}</div>` };
  const los = val(pv2, 11);
  if (los !== undefined && /^\d+(\.\d+)?$/.test(los)) enc.length = { value: Number(los), unit: 'd', system: 'http://unitsofmeasure.org', code: 'd' };
  const priority = codeableConcept(rep1(pv2, 25), '0217');
  if (priority !== undefined) enc.priority = priority;
  // Expected admit and discharge dates are plans, not the period (IG PV2[Encounter] rows 3-6).
  const planned: Json[] = [];
  const admit = toDateTime(val(pv2, 8), m.offset);
  const discharge = toDateTime(val(pv2, 9), m.offset);
  if (admit !== undefined) planned.push({ url: PLANNED_START, valueDateTime: admit });
  if (discharge !== undefined) planned.push({ url: PLANNED_END, valueDateTime: discharge });
  if (planned.length > 0) append(enc, 'extension', ...planned);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
