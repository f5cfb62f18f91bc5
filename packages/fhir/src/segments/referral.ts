/**
 * RF1 (referral information) → a ServiceRequest for the referral. The IG has no RF1 map; this
 * follows FHIR-Converter: the originating (RF1-6) and external (RF1-11) referral identifiers,
 * status by RF1-1, priority by RF1-2, the effective date (RF1-9) as authoredOn.
 */
import { codeableConcept } from '../datatypes/coded';
import { eiIdentifier } from '../datatypes/identifiers';
import { toDateTime } from '../datatypes/dtm';
import type { Mapping } from '../mapping';
import { clean, type FhirResource, type Json } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Segment } from '../v2';
import { organizationXon, practitioner } from './actors';

const STATUS: Readonly<Record<string, string>> = { A: 'active', E: 'entered-in-error', P: 'on-hold', R: 'revoked' };
const PRIORITY: Readonly<Record<string, string>> = { A: 'asap', R: 'routine', S: 'stat' };

export function mapRf1(m: Mapping, rf1: V2Segment, position: string): void {
  const identifier = [eiIdentifier(rep1(rf1, 6)), ...reps(rf1, 11).map((r) => eiIdentifier(r))].filter((i) => i !== undefined);
  const first = identifier[0];
  const key = first !== undefined ? `rf1:${m.scope}|${first.system ?? ''}#${first.value ?? ''}` : undefined;
  const start = toDateTime(val(rf1, 7), m.offset);
  const end = toDateTime(val(rf1, 8), m.offset);
  const performer = [organizationXon(m, rep1(rf1, 19)), practitioner(m, rep1(rf1, 20))].filter((p) => p !== undefined);
  const status = val(rf1, 25) === 'D' ? 'entered-in-error' : (STATUS[comp(rep1(rf1, 1), 1) ?? ''] ?? 'unknown');
  m.add(
    clean({
      resourceType: 'ServiceRequest',
      id: m.id('ServiceRequest', key, position),
      identifier,
      status,
      intent: 'order',
      category: [
        {
          coding: [{ system: 'urn:hcdl:cs:additional-service-request-category-codes', code: 'patient-referral-request', display: 'Patient Referral Request' }],
        },
        codeableConcept(rep1(rf1, 3)),
      ].filter((c) => c !== undefined),
      priority: PRIORITY[comp(rep1(rf1, 2), 1) ?? ''],
      subject: m.subject(),
      encounter: m.encounter,
      occurrencePeriod: start !== undefined || end !== undefined ? clean({ start, end }) : undefined,
      authoredOn: toDateTime(val(rf1, 9), m.offset),
      performer,
      reasonCode: reps(rf1, 10)
        .map((r) => codeableConcept(r))
        .filter((c) => c !== undefined),
    } as Json) as FhirResource,
  );
}
