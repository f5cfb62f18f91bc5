/** PID (+ PD1, NK1) → Patient, Account, RelatedPerson; MRG → merge links (IG PID[Patient], NK1, MRG). */
import { codeableConcept, mappedCode, mappedConcept } from '../datatypes/coded';
import { cxIdentifier, localNamespace } from '../datatypes/identifiers';
import { toDate, toDateTime, parseDtm } from '../datatypes/dtm';
import { xadAddress, xpnName, xtnContact } from '../datatypes/person';
import { deterministicId, identifierKey } from '../ids';
import { nameKey, telecomKey } from '../keys';
import type { Mapping } from '../mapping';
import { append, clean, type Json, type Reference } from '../resource';
import { comp, rep1, reps, sub, val } from '../values';
import type { V2Repetition, V2Segment } from '../v2';
import { organizationXon, practitioner } from './actors';

/** The patient index keys of a CX field's repetitions (authority = CX-4.1 or else CX-4.2). */
export function cxKeys(seg: V2Segment, field: number): string[] {
  return reps(seg, field).flatMap((r) => {
    const value = comp(r, 1);
    if (value === undefined) return [];
    return [identifierKey(sub(r, 4, 1) ?? sub(r, 4, 2), comp(r, 5), value)];
  });
}

/** The identifier keys of a PID in the index's order (PID-2, PID-3, PID-4), without duplicates. */
export function pidKeys(pid: V2Segment): string[] {
  return [...new Set([...cxKeys(pid, 2), ...cxKeys(pid, 3), ...cxKeys(pid, 4)])];
}

/** The Patient id for a list of identifier keys: PID-3's first qualified one leads. */
export function patientIdFor(keys: readonly string[], preferred: readonly string[]): string | undefined {
  const lead = preferred.find((k) => !k.startsWith('#')) ?? preferred[0] ?? keys.find((k) => !k.startsWith('#')) ?? keys[0];
  return lead === undefined ? undefined : deterministicId('Patient', lead);
}

const ext = (url: string, value: Json): Json => ({ url, ...value });

function ombExtension(url: string, concepts: V2Repetition[]): Json | undefined {
  const codings = concepts.map((r) => codeableConcept(r, '0005')).filter((c) => c !== undefined);
  if (codings.length === 0) return undefined;
  const parts: Json[] = [];
  for (const c of codings) for (const coding of c.coding ?? []) parts.push({ url: 'ombCategory', valueCoding: coding });
  const text = codings.map((c) => c.text ?? c.coding?.[0]?.display ?? c.coding?.[0]?.code).find((t) => t !== undefined);
  if (text !== undefined) parts.push({ url: 'text', valueString: text });
  return { url, extension: parts };
}

export function mapPid(m: Mapping, pid: V2Segment, position: string): Reference {
  const keys = pidKeys(pid);
  const id = m.ctx.patientId ?? patientIdFor(keys, cxKeys(pid, 3)) ?? m.id('Patient', undefined, position);
  const identifier = [2, 3, 4].flatMap((f) => reps(pid, f).map((r) => cxIdentifier(r, m.offset))).filter((i) => i !== undefined);
  const ssn = val(pid, 19);
  if (ssn !== undefined)
    identifier.push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'SS' }] },
      system: 'http://hl7.org/fhir/sid/us-ssn',
      value: ssn,
    });
  const dl = rep1(pid, 20);
  if (comp(dl, 1) !== undefined)
    identifier.push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'DL' }] },
      ...(comp(dl, 2) !== undefined ? { system: localNamespace(comp(dl, 2) as string) } : {}),
      value: comp(dl, 1) as string,
    });
  const extension: Json[] = [];
  const mmn = rep1(pid, 6);
  if (sub(mmn, 1, 1) !== undefined)
    extension.push(ext('http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', { valueString: sub(mmn, 1, 1) as string }));
  const race = ombExtension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', reps(pid, 10));
  if (race !== undefined) extension.push(race);
  const ethnicity = ombExtension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity', reps(pid, 22));
  if (ethnicity !== undefined) extension.push(ethnicity);
  const religion = codeableConcept(rep1(pid, 17), '0006');
  if (religion !== undefined) extension.push(ext('http://hl7.org/fhir/StructureDefinition/patient-religion', { valueCodeableConcept: religion }));
  const birthPlace = val(pid, 23);
  if (birthPlace !== undefined) extension.push(ext('http://hl7.org/fhir/StructureDefinition/patient-birthPlace', { valueAddress: { text: birthPlace } }));
  const birth = val(pid, 7);
  const birthTime = parseDtm(birth)?.hour !== undefined ? toDateTime(birth, m.offset) : undefined;
  const multiple = val(pid, 24);
  const order = val(pid, 25);
  const deceasedAt = toDateTime(val(pid, 29), m.offset);
  const deceased = val(pid, 30);
  const telecom = [...reps(pid, 13).map((r) => xtnContact(r)), ...reps(pid, 14).map((r) => withUse(xtnContact(r), 'work'))].filter((t) => t !== undefined);
  const communication = reps(pid, 15)
    .map((r) => codeableConcept(r, '0296'))
    .filter((c) => c !== undefined)
    .map((language) => ({ language }));
  const patient: Json = {
    resourceType: 'Patient',
    id,
    extension,
    identifier,
    active: true,
    name: [...reps(pid, 5), ...reps(pid, 9)].map((r) => xpnName(r, m.offset)).filter((n) => n !== undefined),
    telecom,
    gender: mappedCode('AdministrativeSex', val(pid, 8)),
    birthDate: toDate(birth),
    _birthDate:
      birthTime !== undefined ? { extension: [ext('http://hl7.org/fhir/StructureDefinition/patient-birthTime', { valueDateTime: birthTime })] } : undefined,
    deceasedDateTime: deceasedAt,
    deceasedBoolean: deceasedAt === undefined && deceased !== undefined ? deceased === 'Y' : undefined,
    address: reps(pid, 11)
      .map((r) => xadAddress(r, m.offset))
      .filter((a) => a !== undefined),
    maritalStatus: mappedConcept('MaritalStatus', val(pid, 16), '0002'),
    multipleBirthInteger: order !== undefined && /^\d+$/.test(order) ? Number(order) : undefined,
    multipleBirthBoolean: (order === undefined || !/^\d+$/.test(order)) && multiple !== undefined ? multiple === 'Y' : undefined,
    communication,
  };
  const ref = m.add(clean(patient) as never);
  m.patient = ref;
  m.patientsSeen++;
  m.patientIdentifiers = keys;
  const account = rep1(pid, 18);
  const accountId = account !== undefined ? cxIdentifier(account, m.offset) : undefined;
  if (accountId !== undefined) {
    m.add(
      clean({
        resourceType: 'Account',
        id: m.id('Account', `${comp(account, 4) ?? m.scope}#${accountId.value}`, ''),
        identifier: [accountId],
        status: 'active',
        subject: [ref],
      }) as never,
    );
  }
  return ref;
}

function withUse(c: Json | undefined, use: string): Json | undefined {
  if (c === undefined) return undefined;
  return { ...c, use };
}

/** PD1 → Patient.generalPractitioner (PD1-4) and managingOrganization (PD1-3). */
export function mapPd1(m: Mapping, pd1: V2Segment): void {
  const patient = m.get(m.patient);
  if (patient === undefined) return;
  const gps = reps(pd1, 4)
    .map((r) => practitioner(m, r))
    .filter((r) => r !== undefined);
  const org = organizationXon(m, rep1(pd1, 3));
  if (gps.length > 0) append(patient, 'generalPractitioner', ...gps);
  if (org !== undefined) {
    if (patient.managingOrganization === undefined) patient.managingOrganization = org;
  }
}

/** NK1 → Patient.contact and a RelatedPerson (IG NK1[Patient], NK1[RelatedPerson]). */
export function mapNk1(m: Mapping, nk1: V2Segment, position: string): void {
  const patient = m.get(m.patient);
  const names = reps(nk1, 2)
    .map((r) => xpnName(r, m.offset))
    .filter((n) => n !== undefined);
  const relationship = [codeableConcept(rep1(nk1, 3), '0063'), codeableConcept(rep1(nk1, 7), '0131')].filter((c) => c !== undefined);
  const telecom = [...reps(nk1, 5).map((r) => xtnContact(r)), ...reps(nk1, 6).map((r) => withUse(xtnContact(r), 'work'))].filter((t) => t !== undefined);
  const address = reps(nk1, 4)
    .map((r) => xadAddress(r, m.offset))
    .filter((a) => a !== undefined);
  const start = toDate(val(nk1, 8));
  const end = toDate(val(nk1, 9));
  const period = start !== undefined || end !== undefined ? clean({ start, end }) : undefined;
  const org = organizationXon(m, rep1(nk1, 13));
  if (patient !== undefined) {
    const contact = clean({
      relationship,
      name: names[0],
      telecom,
      address: address[0],
      gender: mappedCode('AdministrativeSex', val(nk1, 15)),
      organization: org,
      period,
    } as Json);
    // pat-1: a contact needs a name, telecom, address or organization.
    if (contact.name !== undefined || contact.telecom !== undefined || contact.address !== undefined || contact.organization !== undefined)
      append(patient, 'contact', contact);
  }
  if (m.patient === undefined || (names.length === 0 && telecom.length === 0)) return;
  const key = `${m.patient.reference}|nk1:${names[0] !== undefined ? nameKey(names[0]) : telecomKey(telecom[0])}`;
  m.add(
    clean({
      resourceType: 'RelatedPerson',
      id: m.id('RelatedPerson', key, position),
      patient: m.patient,
      relationship,
      name: names,
      telecom,
      address,
      gender: mappedCode('AdministrativeSex', val(nk1, 15)),
      birthDate: toDate(val(nk1, 16)),
      period,
    }) as never,
  );
}
