/** SPM → Specimen with its identifiers and parent specimens (IG SPM[Specimen], EIP maps). */
import { codeableConcept } from '../datatypes/coded';
import { cxIdentifier, eiIdentifier, eiKey, eipIdentifiers } from '../datatypes/identifiers';
import { toDateTime } from '../datatypes/dtm';
import { unitOf } from '../datatypes/values-obx';
import type { Mapping } from '../mapping';
import { append, clean, type FhirResource, type Identifier, type Json, type Reference } from '../resource';
import { asRep, comp, rep1, reps, sub, val } from '../values';
import type { V2Repetition, V2Segment } from '../v2';

/** SPM-3: a parent specimen, referenced by its identifiers (IG SPM[Specimen] rows 2-3), made as a stub. */
function parentSpecimen(m: Mapping, eip: V2Repetition, position: string): Reference | undefined {
  const identifier = eipIdentifiers(eip);
  if (identifier.length === 0) return undefined;
  const key = `spm-parent:${m.scope}|${identifier.map((i) => `${i.type?.coding?.[0]?.code}#${i.value}`).join('|')}`;
  return m.add({ resourceType: 'Specimen', id: m.id('Specimen', key, position), identifier, subject: m.subject() } as FhirResource, true);
}

/** SPM → Specimen, linked to the current order's report and observations (IG SPM[Specimen]). */
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
    identifier: [
      ...eipIdentifiers(id2),
      ...reps(spm, 31)
        .map((r) => cxIdentifier(r, m.offset))
        .filter((i) => i !== undefined),
      ...reps(spm, 32)
        .map((r) => eiIdentifier(r))
        .filter((i) => i !== undefined),
    ],
    accessionIdentifier: rep1(spm, 30) !== undefined ? cxIdentifier(rep1(spm, 30) as V2Repetition, m.offset) : undefined,
    parent: reps(spm, 3)
      .map((r, i) => parentSpecimen(m, r, `${position}:parent${i}`))
      .filter((r) => r !== undefined),
    note: val(spm, 14) !== undefined ? [{ text: val(spm, 14) }] : undefined,
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
