/**
 * PDA (patient death and autopsy) and ACC (accident): the IG has no map for either. Following
 * FHIR-Converter where the IG leaves the choice open: PDA-1 causes of death → Condition each;
 * death certification and autopsy → Procedure; the certificate, autopsy and coroner indicators
 * → Observation (Y/N); ACC → an injury incident Observation.
 */
import { codeableConcept } from '../datatypes/coded';
import { eiIdentifier } from '../datatypes/identifiers';
import { toDateTime } from '../datatypes/dtm';
import { conceptKey } from '../keys';
import type { Mapping } from '../mapping';
import { clean, type FhirResource, type Json, type Reference } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Segment } from '../v2';
import { location, practitioner } from './actors';

/** Local code systems for what no published terminology names (FHIR-Converter's codes). */
const OBSERVATION_CODE = 'urn:hcdl:cs:observation-code';
const PROCEDURE_CODE = 'urn:hcdl:cs:procedure-code';
const ACCIDENT_INDICATOR = 'urn:hcdl:cs:accident-indicator';
const V2_0136 = 'http://terminology.hl7.org/CodeSystem/v2-0136';

const concept = (system: string, code: string, display: string): Json => ({ coding: [{ system, code, display }] });

function yesNo(v: string | undefined): Json | undefined {
  if (v === 'Y') return concept(V2_0136, 'Y', 'Yes');
  if (v === 'N') return concept(V2_0136, 'N', 'No');
  return undefined;
}

function subject(m: Mapping): Reference | { display: string } {
  return m.subject();
}

function indicator(m: Mapping, pda: V2Segment, position: string, code: string, display: string, value: string | undefined): void {
  m.add(
    clean({
      resourceType: 'Observation',
      id: m.id('Observation', m.patient !== undefined ? `${m.patient.reference}|pda:${code}` : undefined, `${position}:${code}`),
      status: 'final',
      code: concept(OBSERVATION_CODE, code, display),
      subject: subject(m),
      valueCodeableConcept: yesNo(value),
      valueString: yesNo(value) === undefined ? value : undefined,
    } as Json) as FhirResource,
  );
}

export function mapPda(m: Mapping, pda: V2Segment, position: string): void {
  const patient = m.get(m.patient);
  if (patient !== undefined && patient.deceasedDateTime === undefined && patient.deceasedBoolean === undefined) patient.deceasedBoolean = true;
  for (const cause of reps(pda, 1)) {
    const code = codeableConcept(cause);
    if (code === undefined) continue;
    m.add(
      clean({
        resourceType: 'Condition',
        id: m.id('Condition', m.patient !== undefined ? `${m.patient.reference}|pda-cause:${conceptKey(code)}` : undefined, position),
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
        code,
        subject: subject(m),
      } as Json) as FhirResource,
    );
  }
  const where = location(m, rep1(pda, 2));
  const certifier = practitioner(m, rep1(pda, 5));
  const certified = val(pda, 4);
  if (certified !== undefined && comp(rep1(pda, 5), 1) !== undefined) {
    m.add(
      clean({
        resourceType: 'Procedure',
        id: m.id('Procedure', m.patient !== undefined ? `${m.patient.reference}|pda:death-certification` : undefined, `${position}:certification`),
        status: val(pda, 3) === 'Y' ? 'completed' : val(pda, 3) === 'N' ? 'not-done' : 'unknown',
        code: concept(PROCEDURE_CODE, 'death-certification', 'Death Certification'),
        subject: subject(m),
        performedDateTime: toDateTime(certified, m.offset),
        performer: certifier !== undefined ? [{ actor: certifier }] : undefined,
        location: where,
      } as Json) as FhirResource,
    );
  }
  const autopsyPeriod = rep1(pda, 7);
  const pathologist = practitioner(m, rep1(pda, 8));
  if (autopsyPeriod !== undefined && comp(rep1(pda, 8), 1) !== undefined) {
    const start = toDateTime(comp(autopsyPeriod, 1), m.offset);
    const end = toDateTime(comp(autopsyPeriod, 2), m.offset);
    m.add(
      clean({
        resourceType: 'Procedure',
        id: m.id('Procedure', m.patient !== undefined ? `${m.patient.reference}|pda:autopsy` : undefined, `${position}:autopsy`),
        status: val(pda, 6) === 'Y' ? 'completed' : val(pda, 6) === 'N' ? 'not-done' : 'unknown',
        code: concept(PROCEDURE_CODE, 'autopsy-performed', 'Autopsy Performed'),
        subject: subject(m),
        performedPeriod: start !== undefined || end !== undefined ? clean({ start, end }) : undefined,
        performer: pathologist !== undefined ? [{ actor: pathologist }] : undefined,
      } as Json) as FhirResource,
    );
  }
  if (val(pda, 3) !== undefined && certified !== undefined && comp(rep1(pda, 5), 1) !== undefined)
    indicator(m, pda, position, 'death-certificate', 'Death Certificate', val(pda, 3));
  if (val(pda, 6) !== undefined && autopsyPeriod !== undefined && comp(rep1(pda, 8), 1) !== undefined)
    indicator(m, pda, position, 'autopsy', 'Autopsy', val(pda, 6));
  if (val(pda, 9) !== undefined) indicator(m, pda, position, 'coroner', 'Coroner', val(pda, 9));
}

function accidentComponent(code: string, display: string, value: string | undefined): Json | undefined {
  const v = yesNo(value);
  return v === undefined ? undefined : { code: concept(ACCIDENT_INDICATOR, code, display), valueCodeableConcept: v };
}

/** ACC → an injury incident Observation: when (ACC-1), what (ACC-8), the job, death and police indicators. */
export function mapAcc(m: Mapping, acc: V2Segment, position: string): void {
  const identifier = reps(acc, 13)
    .map((r) => eiIdentifier(r))
    .filter((i) => i !== undefined);
  const when = val(acc, 1);
  const reporter = practitioner(m, rep1(acc, 7));
  m.add(
    clean({
      resourceType: 'Observation',
      id: m.id('Observation', m.patient !== undefined ? `${m.patient.reference}|acc:${when ?? ''}|${val(acc, 13) ?? ''}` : undefined, position),
      identifier,
      status: 'final',
      code: concept(OBSERVATION_CODE, 'injury-incident', 'Injury Incident Description Narrative'),
      subject: subject(m),
      encounter: m.encounter,
      effectiveDateTime: toDateTime(when, m.offset),
      performer: reporter !== undefined ? [reporter] : undefined,
      valueString: val(acc, 8),
      component: [
        accidentComponent('AJRI', 'Accident Job Related Indicator', val(acc, 5)),
        accidentComponent('ADI', 'Accident Death Indicator', val(acc, 6)),
        accidentComponent('PNI', 'Police Notified Indicator', val(acc, 10)),
      ].filter((c) => c !== undefined),
      note: val(acc, 3) !== undefined ? [{ text: `Accident location: ${val(acc, 3) as string}` }] : undefined,
    } as Json) as FhirResource,
  );
}
