import type { HubEvent, HubEventAttributes, HubEventName } from '../events';
import { newMessageId } from '../ids';
import type { FilterPolicy } from '../ports/hub';
import { uniqueTag } from './support';

/** Default body fields of each event kind, beside the pointer every kind has. */
function kindFields(event: HubEventName, messageId: string, source: string, at: string): Record<string, unknown> {
  switch (event) {
    case 'ingested':
      return {};
    case 'staged':
      return { stagingKey: `staging/source=${source}/protocol=hl7v2/format=json/type=ADT_A01/dt=2024-01-01/${messageId}.json`, structure: 'ADT_A01' };
    case 'failed':
      return { errorKey: `error/source=${source}/protocol=hl7v2/dt=2024-01-01/${messageId}.hl7`, stage: 'parse', errors: 1, codes: ['NO_MSH'] };
    case 'fhir-changed':
      return {
        eventId: `Patient/p-${messageId}/_history/1`,
        resourceType: 'Patient',
        resourceId: `p-${messageId}`,
        versionId: '1',
        change: 'create',
        resourceKey: `refined/fhir/Patient/p-${messageId}/1.json`,
      };
  }
}

/**
 * A well-formed hub event with a fresh message id: attributes default to an ingested
 * hl7v2/er7 ADT^A01 of a random source; the body holds the pointers of its kind (claim
 * check), overridden field by field by `body`.
 */
export function hubEvent(attributes: Partial<HubEventAttributes> = {}, body: Record<string, unknown> = {}): HubEvent {
  const source = attributes.source ?? uniqueTag('src-');
  const event = attributes.event ?? 'ingested';
  const messageId = typeof body.messageId === 'string' ? body.messageId : newMessageId();
  const at = new Date().toISOString();
  const pointer = { messageId, source, at, rawKey: `raw/source=${source}/protocol=hl7v2/format=er7/${messageId}.hl7`, attempt: 1 };
  const fields = event === 'fhir-changed' ? { messageId, source, at } : pointer;
  return {
    attributes: { event, protocol: 'hl7v2', format: 'er7', messageType: 'ADT^A01', ...attributes, source },
    body: { ...fields, ...kindFields(event, messageId, source, at), ...body },
  } as HubEvent;
}

/** A subscriber that records every call (attempts included) and every successful handling. */
export interface Recorder {
  name: string;
  /** The event of each call, in call order. */
  events: HubEvent[];
  handle(event: HubEvent): Promise<void>;
  /** Message ids of every call (a retried event appears once per attempt). */
  ids(): string[];
  /** Message ids of the calls that completed without error. */
  done(): string[];
}

export function recorder(name: string, then?: (event: HubEvent) => Promise<void>): Recorder {
  const events: HubEvent[] = [];
  const completed: string[] = [];
  return {
    name,
    events,
    async handle(event) {
      events.push(event);
      if (then) await then(event);
      completed.push(event.body.messageId);
    },
    ids: () => events.map((e) => e.body.messageId),
    done: () => [...completed],
  };
}

export interface PolicyCase {
  title: string;
  policy: FilterPolicy;
  /** Attributes of events the subscription must receive... */
  matches: Partial<HubEventAttributes>[];
  /** ...and of events it must not receive. */
  misses: Partial<HubEventAttributes>[];
}

/**
 * One case per condition type of FilterPolicy, on hub event attributes. These are SNS
 * `String` attributes, so numeric conditions never match them, even a numeric-looking one.
 */
export function policyCases(): PolicyCase[] {
  return [
    {
      title: 'exact string',
      policy: { messageType: ['ADT^A01'] },
      matches: [{ messageType: 'ADT^A01' }],
      misses: [{ messageType: 'ADT^A04' }, { messageType: 'adt^a01' }, { messageType: 'ADT^A01 ' }],
    },
    {
      title: 'several values of one attribute (OR)',
      policy: { messageType: ['ADT^A01', 'ORU^R01'] },
      matches: [{ messageType: 'ADT^A01' }, { messageType: 'ORU^R01' }],
      misses: [{ messageType: 'MDM^T02' }],
    },
    {
      title: 'several attributes (AND)',
      policy: { event: ['ingested'], source: ['lab'] },
      matches: [{ event: 'ingested', source: 'lab' }],
      misses: [
        { event: 'staged', source: 'lab' },
        { event: 'ingested', source: 'ris' },
      ],
    },
    { title: 'attribute names are case-sensitive', policy: { Event: ['ingested'] }, matches: [], misses: [{ event: 'ingested' }] },
    { title: 'exact string that spells a number', policy: { source: ['42'] }, matches: [{ source: '42' }], misses: [{ source: '42.0' }, { source: '042' }] },
    { title: 'exact number never matches a String attribute', policy: { source: [42] }, matches: [], misses: [{ source: '42' }, { source: '42.0' }] },
    {
      title: 'numeric range never matches a String attribute',
      policy: { source: [{ numeric: ['>=', 0, '<', 100] }] },
      matches: [],
      misses: [{ source: '5' }, { source: '99.5' }],
    },
    {
      title: 'prefix',
      policy: { messageType: [{ prefix: 'ADT^' }] },
      matches: [{ messageType: 'ADT^A01' }, { messageType: 'ADT^A08' }],
      misses: [{ messageType: 'ORU^R01' }, { messageType: 'adt^A01' }, { messageType: 'XADT^A01' }],
    },
    {
      title: 'suffix',
      policy: { source: [{ suffix: '-lab' }] },
      matches: [{ source: 'north-lab' }, { source: '-lab' }],
      misses: [{ source: 'lab-north' }, { source: 'north-LAB' }],
    },
    {
      title: 'equals-ignore-case',
      policy: { source: [{ 'equals-ignore-case': 'North-Lab' }] },
      matches: [{ source: 'north-lab' }, { source: 'NORTH-LAB' }],
      misses: [{ source: 'north-lab2' }, { source: 'northlab' }],
    },
    {
      title: 'anything-but a value',
      policy: { event: [{ 'anything-but': 'ingested' }] },
      matches: [{ event: 'staged' }, { event: 'failed' }],
      misses: [{ event: 'ingested' }],
    },
    {
      title: 'anything-but a list',
      policy: { messageType: [{ 'anything-but': ['ADT^A01', 'ADT^A04'] }] },
      matches: [{ messageType: 'ORU^R01' }, { messageType: 'ADT^A08' }],
      misses: [{ messageType: 'ADT^A01' }, { messageType: 'ADT^A04' }],
    },
    {
      title: 'anything-but a prefix',
      policy: { source: [{ 'anything-but': { prefix: 'test-' } }] },
      matches: [{ source: 'prod-1' }, { source: 'test' }],
      misses: [{ source: 'test-1' }, { source: 'test-' }],
    },
    {
      title: 'anything-but a suffix',
      policy: { source: [{ 'anything-but': { suffix: '-dev' } }] },
      matches: [{ source: 'lab-prod' }, { source: 'dev-lab' }],
      misses: [{ source: 'lab-dev' }],
    },
    {
      title: 'exists: true on an attribute events carry',
      policy: { messageType: [{ exists: true }] },
      matches: [{ messageType: 'UNKNOWN' }, { messageType: 'ADT^A01' }],
      misses: [],
    },
    { title: 'exists: true on an attribute events never carry', policy: { priority: [{ exists: true }] }, matches: [], misses: [{ event: 'ingested' }] },
    {
      title: 'exists: false on an attribute events never carry',
      policy: { priority: [{ exists: false }] },
      matches: [{ event: 'ingested' }, { event: 'failed' }],
      misses: [],
    },
    { title: 'exists: false on an attribute events carry', policy: { source: [{ exists: false }] }, matches: [], misses: [{ source: 'lab' }] },
    {
      title: 'conditions of several kinds on one attribute (OR)',
      policy: { messageType: ['MDM^T02', { prefix: 'ORU^' }, { 'equals-ignore-case': 'adt^a01' }] },
      matches: [{ messageType: 'MDM^T02' }, { messageType: 'ORU^R30' }, { messageType: 'ADT^A01' }],
      misses: [{ messageType: 'ADT^A04' }, { messageType: 'mdm^t02' }],
    },
    {
      title: '$or of sub-policies, ANDed with the top-level keys',
      policy: { event: ['failed'], $or: [{ source: ['a'] }, { messageType: [{ prefix: 'ORU' }] }] },
      matches: [
        { event: 'failed', source: 'a', messageType: 'ADT^A01' },
        { event: 'failed', source: 'b', messageType: 'ORU^R01' },
      ],
      misses: [
        { event: 'staged', source: 'a' },
        { event: 'failed', source: 'b', messageType: 'ADT^A01' },
      ],
    },
  ];
}
