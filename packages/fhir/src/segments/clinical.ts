/**
 * AL1/IAM → AllergyIntolerance, DG1 → Condition, PR1 → Procedure, FT1 → Procedure charged
 * (IG AL1[AllergyIntolerance], IAM[AllergyIntolerance], DG1[Condition], PR1[Procedure]).
 */
import { codeableConcept, mappedCode, tableConcept } from '../datatypes/coded';
import { eiIdentifier, eiKey, hdSystem } from '../datatypes/identifiers';
import { toDateTime } from '../datatypes/dtm';
import { conceptKey } from '../keys';
import type { Mapping } from '../mapping';
import { append, clean, type FhirResource, type Identifier, type Json, type Reference } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Repetition, V2Segment } from '../v2';
import { practitioner } from './actors';

const clinical = (code: string): Json => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code }] });

function codeKey(c: Json | undefined): string {
  return conceptKey(c);
}

/** AL1 (3 allergen, 2 type, 4 severity, 5 reactions, 6 identified) or IAM (same fields, more). */
export function mapAllergy(m: Mapping, seg: V2Segment, position: string): void {
  const iam = seg.id === 'IAM';
  const code = codeableConcept(rep1(seg, 3)) ?? { text: 'unknown' };
  // IAM-27 codes the same allergen again: more codings of the one code (IG IAM[AllergyIntolerance]).
  if (iam) for (const r of reps(seg, 27)) for (const c of codeableConcept(r)?.coding ?? []) (code.coding ??= []).push(c);
  const typeCode = comp(rep1(seg, 2), 1);
  const category = mappedCode('AllergenType[AllergyIntoleranceCategory]', typeCode);
  const severity = comp(rep1(seg, 4), 1);
  const reactions = reps(seg, 5)
    .map((r) => (comp(r, 1) !== undefined ? { manifestation: [codeableConcept(r) ?? { text: comp(r, 1) }] } : undefined))
    .filter((r) => r !== undefined);
  const identifier = iam ? eiIdentifier(rep1(seg, 7)) : undefined;
  const key =
    identifier !== undefined
      ? `iam:${m.scope}|${eiKey(rep1(seg, 7))}`
      : m.patient !== undefined
        ? `${m.patient.reference}|allergy:${codeKey(code as Json)}`
        : undefined;
  const action = iam ? val(seg, 6) : undefined;
  const reactionSeverity = mappedCode('AllergySeverity[AllergyIntolerance.reaction.severity]', severity);
  const onset = toDateTime(val(seg, iam ? 11 : 6), m.offset);
  m.add(
    clean({
      resourceType: 'AllergyIntolerance',
      id: m.id('AllergyIntolerance', key, position),
      identifier: identifier !== undefined ? [identifier] : undefined,
      clinicalStatus: action === 'D' ? clinical('inactive') : clinical('active'),
      verificationStatus:
        action === 'D'
          ? { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'entered-in-error' }] }
          : undefined,
      category: category !== undefined ? [category] : undefined,
      criticality: mappedCode('AllergySeverity[AllergyIntolerance.criticality]', severity),
      code,
      patient: m.subject(),
      encounter: m.encounter,
      onsetDateTime: onset,
      onsetString: onset === undefined && iam ? val(seg, 12) : undefined,
      recordedDate: iam ? toDateTime(val(seg, 13), m.offset) : undefined,
      reaction: reactions.map((r) => (reactionSeverity !== undefined ? { ...r, severity: reactionSeverity } : r)),
    } as Json) as never,
  );
}

/**
 * DG1-22 (parent diagnosis) and PR1-25 (parent procedure) name another Condition or Procedure
 * by its identifier (IG DG1[Condition] DG1-22, PR1[Procedure] PR1-25 → partOf): the reference
 * resolves to a resource with that identifier in the bundle, made here when the message has
 * none (its own segment, if sent later, fills it: same id).
 */
function parentReference(m: Mapping, type: 'Condition' | 'Procedure', ei: V2Repetition | undefined, position: string): Reference | undefined {
  if (ei === undefined) return undefined;
  const identifier = eiIdentifier(ei) ?? eiSystemOnly(ei);
  if (identifier === undefined) return undefined;
  const key = `${type === 'Condition' ? 'dg1' : 'pr1'}:${m.scope}|${eiKey(ei) ?? `${comp(ei, 2) ?? ''}&${comp(ei, 3) ?? ''}#`}`;
  const stub: Json = { resourceType: type, id: m.id(type, key, `${position}:parent`), identifier: [identifier] };
  if (type === 'Procedure') stub.status = 'unknown';
  stub.subject = m.subject();
  return m.add(stub as FhirResource, true);
}

/** An EI sent with an authority and no value (DG1-22 `^^1.2.3^ISO`): an identifier with its system alone. */
function eiSystemOnly(ei: V2Repetition): Identifier | undefined {
  const system = hdSystem(comp(ei, 2), comp(ei, 3), comp(ei, 4));
  return system !== undefined ? { system } : undefined;
}

/** DG1 → Condition (encounter-diagnosis), referenced from the Encounter's diagnosis list. */
export function mapDg1(m: Mapping, dg1: V2Segment, position: string): void {
  const code = codeableConcept(rep1(dg1, 3)) ?? (val(dg1, 4) !== undefined ? { text: val(dg1, 4) as string } : undefined);
  const id20 = rep1(dg1, 20);
  const named = m.firstUse(id20 !== undefined ? `dg1:${m.scope}|${eiKey(id20)}` : undefined);
  const key =
    named !== undefined
      ? named
      : id20 === undefined && m.patient !== undefined
        ? `${m.patient.reference}|${m.encounter?.reference ?? ''}|dx:${codeKey(code as Json | undefined)}|${val(dg1, 6) ?? ''}`
        : undefined;
  const onset = toDateTime(val(dg1, 5), m.offset);
  const recorded = toDateTime(val(dg1, 19), m.offset);
  const asserter = practitioner(m, rep1(dg1, 16));
  const condition = clean({
    resourceType: 'Condition',
    id: m.id('Condition', key, position),
    identifier: [eiIdentifier(id20)].filter((i) => i !== undefined),
    clinicalStatus: val(dg1, 21) === 'D' ? undefined : { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus:
      val(dg1, 21) === 'D' ? { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] } : undefined,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code,
    subject: m.subject(),
    encounter: m.encounter,
    onsetDateTime: onset,
    recordedDate: recorded,
    asserter,
  } as Json);
  const parent = parentReference(m, 'Condition', rep1(dg1, 22), position);
  if (parent !== undefined) condition.extension = [{ url: 'http://hl7.org/fhir/StructureDefinition/condition-dueTo', valueReference: parent }];
  const ref = m.add(condition as never);
  const enc = m.get(m.encounter);
  if (enc !== undefined) {
    const use = mappedCode('DiagnosisType', val(dg1, 6));
    const rank = val(dg1, 15);
    const entry = clean({
      condition: ref,
      use: use !== undefined ? { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/diagnosis-role', code: use }] } : tableConcept(val(dg1, 6), '0052'),
      rank: rank !== undefined && /^[1-9]\d*$/.test(rank) ? Number(rank) : undefined,
    } as Json);
    append(enc, 'diagnosis', entry);
  }
}

/** PR1 → Procedure. */
export function mapPr1(m: Mapping, pr1: V2Segment, position: string): void {
  const code = codeableConcept(rep1(pr1, 3)) ?? (val(pr1, 4) !== undefined ? { text: val(pr1, 4) as string } : { text: 'unknown' });
  const performed = toDateTime(val(pr1, 5), m.offset);
  const id19 = rep1(pr1, 19);
  const key =
    m.firstUse(id19 !== undefined ? `pr1:${m.scope}|${eiKey(id19)}` : undefined) !== undefined
      ? `pr1:${m.scope}|${eiKey(id19)}`
      : m.patient !== undefined
        ? `${m.patient.reference}|proc:${codeKey(code as Json)}|${performed ?? ''}`
        : undefined;
  const performers = [...reps(pr1, 8), ...reps(pr1, 11), ...reps(pr1, 12)]
    .map((r) => practitioner(m, r))
    .filter((p) => p !== undefined)
    .map((actor) => ({ actor }));
  const parent = parentReference(m, 'Procedure', rep1(pr1, 25), position);
  m.add(
    clean({
      resourceType: 'Procedure',
      id: m.id('Procedure', key, position),
      partOf: parent !== undefined ? [parent] : undefined,
      identifier: [eiIdentifier(id19)].filter((i) => i !== undefined),
      status: 'completed',
      category: codeableConcept(rep1(pr1, 6), '0230'),
      code,
      subject: m.subject(),
      encounter: m.encounter,
      performedDateTime: performed,
      performer: performers,
      reasonCode: [codeableConcept(rep1(pr1, 15))].filter((c) => c !== undefined),
    } as Json) as never,
  );
}

/**
 * FT1 (financial transaction) with a procedure code (FT1-25) → the Procedure charged for. The
 * IG has no FT1 map; as FHIR-Converter, its status is unknown (a charge does not say the
 * procedure was completed) and the same code in the same order is one Procedure.
 */
export function mapFt1(m: Mapping, ft1: V2Segment, position: string): void {
  const code = codeableConcept(rep1(ft1, 25));
  if (code === undefined) return;
  const when = toDateTime(val(ft1, 4), m.offset);
  const key = m.patient !== undefined ? `${m.patient.reference}|ft1:${m.order?.key ?? ''}|${conceptKey(code)}` : undefined;
  m.add(
    clean({
      resourceType: 'Procedure',
      id: m.id('Procedure', key, position),
      status: 'unknown',
      code,
      subject: m.subject(),
      encounter: m.encounter,
      performedDateTime: when,
      performer: [practitioner(m, rep1(ft1, 21)), practitioner(m, rep1(ft1, 24))].filter((p) => p !== undefined).map((actor) => ({ actor })),
    } as Json) as FhirResource,
  );
}
