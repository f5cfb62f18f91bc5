/** MSH → MessageHeader (IG MSH[MessageHeader]); MSH/EVN → the Provenance of the conversion. */
import { codeableConcept, tableConcept } from '../datatypes/coded';
import { hdSystem } from '../datatypes/identifiers';
import { toDateTime, toInstant } from '../datatypes/dtm';
import type { Mapping } from '../mapping';
import { clean, type FhirResource, type Json, type Reference } from '../resource';
import { comp, rep1, val } from '../values';
import type { V2Segment } from '../v2';
import { organizationHd, practitioner } from './actors';

function endpoint(seg: V2Segment, field: number, fallback: string): string {
  const r = rep1(seg, field);
  return hdSystem(comp(r, 1), comp(r, 2), comp(r, 3)) ?? fallback;
}

export function mapMsh(m: Mapping, msh: V2Segment): { header: FhirResource; sender: Reference | undefined } {
  m.messageCode = val(msh, 9, 1) ?? '';
  m.event = val(msh, 9, 2) ?? '';
  const facility = rep1(msh, 4);
  m.scope = comp(facility, 2) ?? comp(facility, 1) ?? val(msh, 3) ?? '';
  const sender = organizationHd(m, facility);
  const receiver = organizationHd(m, rep1(msh, 6));
  const destinationName = val(msh, 5);
  const processing = val(msh, 11);
  const header = clean({
    resourceType: 'MessageHeader',
    id: m.id('MessageHeader', `message:${m.ctx.messageId}`, ''),
    meta: processing !== undefined ? { tag: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0103', code: processing }] } : undefined,
    eventCoding: clean({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0003',
      code: m.event || undefined,
      display: [m.messageCode, m.event, val(msh, 9, 3)].filter(Boolean).join('^'),
    }),
    destination:
      destinationName !== undefined || receiver !== undefined
        ? [clean({ name: destinationName, endpoint: endpoint(msh, 5, `urn:hcdl:destination:${encodeURIComponent(destinationName ?? 'unknown')}`), receiver })]
        : undefined,
    sender,
    source: clean({ name: val(msh, 3), endpoint: endpoint(msh, 3, `urn:hcdl:source:${encodeURIComponent(m.ctx.source)}`) }),
  } as Json) as FhirResource;
  if (m.event === '') delete (header.eventCoding as Json).code;
  m.add(header);
  return { header, sender };
}

/**
 * The Provenance of the conversion: what the message says happened (EVN-4 reason, EVN-5
 * operator, EVN-6/EVN-2/MSH-7 time) and the raw message it came from (entity, role source).
 */
export function provenance(m: Mapping, msh: V2Segment, evn: V2Segment | undefined, sender: Reference | undefined): FhirResource {
  const occurred = toDateTime((evn && (val(evn, 6) ?? val(evn, 2))) ?? val(msh, 7), m.offset);
  const recorded = m.ctx.receivedAt ?? toInstant(val(msh, 7), m.offset) ?? new Date(0).toISOString();
  const agents: Json[] = [];
  if (sender !== undefined)
    agents.push({ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who: sender });
  const operator = evn !== undefined ? practitioner(m, rep1(evn, 5)) : undefined;
  if (operator !== undefined)
    agents.push({ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'enterer' }] }, who: operator });
  if (agents.length === 0) agents.push({ who: { display: m.ctx.source } });
  const reason = evn !== undefined ? codeableConcept(rep1(evn, 4), '0062') : undefined;
  const entityWhat: Json = { identifier: { system: 'urn:hcdl:raw', value: m.ctx.rawKey ?? m.ctx.messageId } };
  const p = clean({
    resourceType: 'Provenance',
    id: m.id('Provenance', `message:${m.ctx.messageId}`, ''),
    target: [],
    occurredDateTime: occurred,
    recorded,
    reason: reason !== undefined ? [reason] : undefined,
    activity: tableConcept(m.event || undefined, '0003', [m.messageCode, m.event].filter(Boolean).join('^')),
    agent: agents,
    entity: [{ role: 'source', what: entityWhat }],
  } as Json) as FhirResource;
  return p;
}
