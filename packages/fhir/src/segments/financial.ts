/**
 * What the guarantor (GT1), disability (DB1) and consent (CON) segments say about the patient.
 * The IG has no map for them; this follows FHIR-Converter where it leaves the choice open:
 * identifiers and names of the patient when the segment speaks of the patient (GT1-11 `SEL`,
 * DB1-2 `PT`, CON-25 `1`), a RelatedPerson for another guarantor or consenter.
 */
import { codeableConcept, mappedCode } from '../datatypes/coded';
import { cxIdentifier } from '../datatypes/identifiers';
import { toDate } from '../datatypes/dtm';
import { xadAddress, xpnName, xtnContact } from '../datatypes/person';
import { nameKey } from '../keys';
import type { Mapping } from '../mapping';
import { append, clean, pushIdentifiers, type FhirResource, type Identifier, type Json } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Segment } from '../v2';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const typed = (code: string, system: string, value: string): Identifier => ({ type: { coding: [{ system: V2_0203, code }] }, system, value });

export const SSN_SYSTEM = 'http://hl7.org/fhir/sid/us-ssn';
export const MEDICARE_SYSTEM = 'http://hl7.org/fhir/sid/us-medicare';
/**
 * No published system names a US Medicaid or military id; FHIR-Converter's spellings are used
 * so identifiers from both converters match (the IG leaves the system open).
 */
export const MEDICAID_SYSTEM = 'http://example.com/v2-to-fhir-converter/sid/us-medicaid';
export const MILITARY_SYSTEM = 'http://example.com/v2-to-fhir-converter/sid/us-military';

export function cxIdentifiers(m: Mapping, seg: V2Segment, field: number): Identifier[] {
  const out: Identifier[] = [];
  for (const r of reps(seg, field)) {
    const id = cxIdentifier(r, m.offset);
    if (id !== undefined) out.push(id);
  }
  return out;
}

export function addNames(patient: FhirResource, m: Mapping, seg: V2Segment, field: number): void {
  for (const r of reps(seg, field)) pushName(patient, xpnName(r, m.offset));
}

/** Adds a name to the patient unless it has the same one already (the guarantor is the patient). */
function pushName(patient: FhirResource, name: Json | undefined): void {
  if (name === undefined) return;
  const k = `${nameKey(name)}|${(name.use as string | undefined) ?? ''}`;
  const names = (patient.name as Json[] | undefined) ?? [];
  if (names.some((n) => `${nameKey(n)}|${(n.use as string | undefined) ?? ''}` === k)) return;
  append(patient, 'name', name);
}

/** GT1 → the patient's identifiers and names when the guarantor is the patient, else a RelatedPerson. */
export function mapGt1(m: Mapping, gt1: V2Segment, position: string): void {
  const patient = m.get(m.patient);
  if (patient === undefined || m.patient === undefined) {
    m.note(position, 'out-of-context', 'GT1 without a PID before it');
    return;
  }
  const self = comp(rep1(gt1, 11), 1) === 'SEL' && rep1(gt1, 21) === undefined;
  if (self) {
    const ssn = val(gt1, 12);
    pushIdentifiers(patient, [...cxIdentifiers(m, gt1, 2), ...(ssn !== undefined ? [typed('SB', SSN_SYSTEM, ssn)] : []), ...cxIdentifiers(m, gt1, 19)]);
    addNames(patient, m, gt1, 3);
    if (patient.birthDate === undefined) {
      const birth = toDate(val(gt1, 8));
      if (birth !== undefined) patient.birthDate = birth;
    }
    if (patient.gender === undefined) {
      const gender = mappedCode('AdministrativeSex', val(gt1, 9));
      if (gender !== undefined) patient.gender = gender;
    }
    return;
  }
  const names = reps(gt1, 3)
    .map((r) => xpnName(r, m.offset))
    .filter((n) => n !== undefined);
  if (names.length === 0) return;
  m.add(
    clean({
      resourceType: 'RelatedPerson',
      id: m.id('RelatedPerson', `${m.patient.reference}|gt1:${nameKey(names[0])}`, position),
      identifier: cxIdentifiers(m, gt1, 2),
      patient: m.patient,
      relationship: [codeableConcept(rep1(gt1, 11), '0063')].filter((c) => c !== undefined),
      name: names,
      telecom: [...reps(gt1, 6).map((r) => xtnContact(r)), ...reps(gt1, 7).map((r) => xtnContact(r))].filter((t) => t !== undefined),
      address: reps(gt1, 5)
        .map((r) => xadAddress(r, m.offset))
        .filter((a) => a !== undefined),
      birthDate: toDate(val(gt1, 8)),
    } as Json) as FhirResource,
  );
}

/** DB1 for the patient (DB1-2 `PT`): the disabled person identifiers (DB1-3) are the patient's. */
export function mapDb1(m: Mapping, db1: V2Segment): void {
  const patient = m.get(m.patient);
  if (patient === undefined || comp(rep1(db1, 2), 1) !== 'PT') return;
  pushIdentifiers(patient, cxIdentifiers(m, db1, 3));
}

/**
 * CON (consent): a consenter who is the patient (CON-25 `1`, self) names the patient
 * (CON-24); others are RelatedPersons. The IG has no CON map; this follows FHIR-Converter.
 */
export function mapCon(m: Mapping, con: V2Segment, position: string): void {
  const patient = m.get(m.patient);
  if (patient === undefined || m.patient === undefined) return;
  const names = con.fields[24] ?? [];
  const relations = con.fields[25] ?? [];
  names.forEach((rep, i) => {
    const name = xpnName(rep, m.offset);
    if (name === undefined) return;
    const relation = comp(relations[i], 1);
    if (relation === '1') {
      pushName(patient, name);
      return;
    }
    if (relation === undefined || !/^[2-5]$/.test(relation)) return;
    m.add(
      clean({
        resourceType: 'RelatedPerson',
        id: m.id('RelatedPerson', `${m.patient?.reference ?? ''}|con:${nameKey(name)}`, position),
        patient: m.patient,
        relationship: [codeableConcept(relations[i], '0548')].filter((c) => c !== undefined),
        name: [name],
      } as Json) as FhirResource,
    );
  });
}
