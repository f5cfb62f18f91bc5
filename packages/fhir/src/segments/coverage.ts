/**
 * IN1 (+ IN2) → Coverage with the insurer Organization (IG IN1[Coverage]); an insured who is the
 * patient identifies and names the patient. IN2 has no IG map; it follows FHIR-Converter.
 */
import { codeableConcept } from '../datatypes/coded';
import { cxIdentifier } from '../datatypes/identifiers';
import { toDate } from '../datatypes/dtm';
import { xpnName } from '../datatypes/person';
import type { Mapping } from '../mapping';
import { clean, pushIdentifiers, type FhirResource, type Identifier, type Json, type Reference } from '../resource';
import { comp, rep1, val } from '../values';
import type { V2Repetition, V2Segment } from '../v2';
import { codeSystemUri } from '../vocab/code-systems';
import { organizationXon } from './actors';
import { addNames, cxIdentifiers, MEDICAID_SYSTEM, MEDICARE_SYSTEM, MILITARY_SYSTEM, SSN_SYSTEM, typed } from './financial';

const POLICY_SYSTEM = 'urn:hcdl:ns:policy-id';

function planIdentifier(rep: V2Repetition): Identifier {
  const system = codeSystemUri(comp(rep, 3));
  return system !== undefined ? { system, value: comp(rep, 1) as string } : { value: comp(rep, 1) as string };
}

/** IN1 → Coverage with the insurer Organization (IN1-3/4) and the plan (IN1-2). */
export function mapIn1(m: Mapping, in1: V2Segment, position: string): void {
  const insurerId = rep1(in1, 3);
  const insurerIdentifier = insurerId !== undefined ? cxIdentifier(insurerId, m.offset) : undefined;
  const insurer =
    organizationXon(m, rep1(in1, 4)) ??
    (insurerIdentifier !== undefined
      ? m.add({
          resourceType: 'Organization',
          id: m.id('Organization', `id:${insurerIdentifier.system ?? m.scope}#${insurerIdentifier.value}`, ''),
          identifier: [insurerIdentifier],
        })
      : undefined);
  if (insurer !== undefined && insurerIdentifier !== undefined) {
    const org = m.get(insurer);
    if (org !== undefined && org.identifier === undefined) org.identifier = [insurerIdentifier];
  }
  const policy = val(in1, 36);
  const plan = codeableConcept(rep1(in1, 2));
  const group = val(in1, 8);
  const classes: Json[] = [];
  if (plan !== undefined)
    classes.push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'plan' }] },
      value: comp(rep1(in1, 2), 1) ?? plan.text,
      name: comp(rep1(in1, 2), 2),
    });
  if (group !== undefined)
    classes.push({ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'group' }] }, value: group, name: val(in1, 9) });
  const start = toDate(val(in1, 12));
  const end = toDate(val(in1, 13));
  const key =
    m.patient !== undefined
      ? `${m.patient.reference}|coverage:${comp(rep1(in1, 2), 1) ?? ''}|${policy ?? ''}|${insurerIdentifier?.value ?? val(in1, 4) ?? ''}|${val(in1, 49) ?? ''}`
      : undefined;
  const relationship = codeableConcept(rep1(in1, 17), '0063');
  const subscriberName = xpnName(rep1(in1, 16), m.offset);
  const beneficiary: Reference | { display: string } = m.subject();
  const coverage = clean({
    resourceType: 'Coverage',
    id: m.id('Coverage', key, position),
    // IN1-36 is not in the IG's map; the policy number gets FHIR-Converter's local system.
    identifier: [
      // The health plan id (IG IN1[Coverage] IN1-2 → identifier, through CWE[Identifier]).
      ...(plan !== undefined && comp(rep1(in1, 2), 1) !== undefined ? [planIdentifier(rep1(in1, 2) as V2Repetition)] : []),
      ...(policy !== undefined
        ? [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MB' }] }, system: POLICY_SYSTEM, value: policy }]
        : []),
    ],
    status: 'active',
    type: codeableConcept(rep1(in1, 15), '0086'),
    subscriberId: val(in1, 49) ?? policy,
    beneficiary,
    relationship,
    period: start !== undefined || end !== undefined ? clean({ start, end }) : undefined,
    payor: [insurer ?? { display: val(in1, 4) ?? 'unknown payor' }],
    class: classes.map((c) => clean(c)),
    order: val(in1, 1) !== undefined && /^[1-9]\d*$/.test(val(in1, 1) as string) ? Number(val(in1, 1)) : undefined,
    extension: subscriberName !== undefined ? [{ url: 'urn:hcdl:fhir:StructureDefinition:subscriber-name', valueHumanName: subscriberName }] : undefined,
  } as Json) as FhirResource;
  m.add(coverage);
  m.coverage = { resource: coverage, selfInsured: comp(rep1(in1, 17), 1) === 'SEL' };
  insuredIsPatient(m, in1);
}

/** IN1 whose insured is the patient (IN1-17 `SEL`): IN1-49 identifies and IN1-16 names the patient (IG IN1[Coverage] IN1-16). */
export function insuredIsPatient(m: Mapping, in1: V2Segment): void {
  const patient = m.get(m.patient);
  if (patient === undefined || comp(rep1(in1, 17), 1) !== 'SEL') return;
  pushIdentifiers(patient, cxIdentifiers(m, in1, 49));
  addNames(patient, m, in1, 16);
}

/**
 * IN2 → the Medicare (IN2-6), Medicaid (IN2-8) and military (IN2-10) numbers and the IN2-61
 * identifiers, on the patient and on the Coverage of its IN1; with IN1-17 `SEL`, the insured's
 * identifiers (IN2-1) and SSN (IN2-2) are the patient's too.
 */
export function mapIn2(m: Mapping, in2: V2Segment, position: string): void {
  const patient = m.get(m.patient);
  const coverage = m.coverage;
  if (patient === undefined) {
    m.note(position, 'out-of-context', 'IN2 without a PID before it');
    return;
  }
  const medicare = val(in2, 6);
  const medicaid = val(in2, 8);
  const military = val(in2, 10);
  const programs: Identifier[] = [];
  if (medicare !== undefined) programs.push(typed('MC', MEDICARE_SYSTEM, medicare));
  if (medicaid !== undefined) programs.push(typed('MA', MEDICAID_SYSTEM, medicaid));
  const more = cxIdentifiers(m, in2, 61);
  const self = coverage?.selfInsured === true;
  const ssn = val(in2, 2);
  pushIdentifiers(patient, [
    ...(self ? cxIdentifiers(m, in2, 1) : []),
    ...(self && ssn !== undefined ? [typed('SS', SSN_SYSTEM, ssn)] : []),
    ...programs,
    ...(military !== undefined ? [typed('MI', MILITARY_SYSTEM, military)] : []),
    ...more,
  ]);
  addNames(patient, m, in2, 7);
  if (coverage !== undefined) pushIdentifiers(coverage.resource, [...programs, ...more]);
}
