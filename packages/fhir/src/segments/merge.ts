/**
 * MRG → the retired Patient and the links between it and the survivor (IG MRG; FHIR Patient.link):
 * the survivor `replaces` the retired one, the retired one is `replaced-by` the survivor and
 * inactive. The same link is returned structurally (PatientLink) for the patient index.
 */
import { cxIdentifier } from '../datatypes/identifiers';
import type { Mapping } from '../mapping';
import { append, clean, type Json } from '../resource';
import { reps } from '../values';
import type { V2Segment } from '../v2';
import { cxKeys, patientIdFor } from './patient';

export function mapMrg(m: Mapping, mrg: V2Segment, position: string): void {
  const survivor = m.get(m.patient);
  if (survivor === undefined || m.patient === undefined) {
    m.note(position, 'out-of-context', 'MRG without a PID before it: no patient to merge into');
    return;
  }
  const keys = [...new Set([...cxKeys(mrg, 1), ...cxKeys(mrg, 4)])];
  const retiredId = patientIdFor(keys, cxKeys(mrg, 1)) ?? m.id('Patient', undefined, position);
  if (retiredId === survivor.id) return;
  const identifier = [1, 4].flatMap((f) => reps(mrg, f).map((r) => cxIdentifier(r, m.offset))).filter((i) => i !== undefined);
  const retiredRef = m.add(
    clean({
      resourceType: 'Patient',
      id: retiredId,
      identifier,
      active: false,
      link: [{ other: m.patient, type: 'replaced-by' }],
    } as Json) as never,
  );
  append(survivor, 'link', { other: retiredRef, type: 'replaces' });
  m.links.push({
    survivingPatientId: survivor.id,
    replacedPatientId: retiredId,
    survivingIdentifiers: m.patientIdentifiers,
    replacedIdentifiers: keys,
    event: m.event,
  });
}
