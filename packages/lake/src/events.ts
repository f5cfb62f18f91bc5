/** Hub event names, as carried in the `event` attribute. */
export const HubEventName = {
  Ingested: 'ingested',
  Staged: 'staged',
  Failed: 'failed',
  FhirChanged: 'fhir-changed',
} as const;
export type HubEventName = (typeof HubEventName)[keyof typeof HubEventName];

/** Message attributes of every hub event (SNS MessageAttributes; filter policies match these). */
export interface HubEventAttributes<E extends HubEventName = HubEventName> {
  event: E;
  protocol: string;
  format: string;
  source: string;
  /** MSH-9 as `CODE^EVENT`; `UNKNOWN` when the message has none. */
  messageType: string;
}

/** What every event body holds: the message it is about, and when the event was made. */
interface MessagePointer {
  messageId: string;
  source: string;
  /** The raw zone key of the message (claim check: readers fetch the bytes themselves). */
  rawKey: string;
  /** Attempt number of the staging run (1 = first run, each replay adds one). */
  attempt: number;
  at: string;
}

/** `ingested`: raw bytes and catalog row are durable; staging should run `attempt`. */
export type IngestedBody = MessagePointer;

/** `staged`: the staging JSON is in the staging zone and the catalog row says `staged`. */
export interface StagedBody extends MessagePointer {
  stagingKey: string;
  /** Message structure the staging JSON is laid out by (`ADT_A01`), when one was found. */
  structure?: string;
}

/** `failed`: the raw bytes and the diagnostics are in the error zone; the row says `error`. */
export interface FailedBody extends MessagePointer {
  errorKey: string;
  /** The step that refused the message (`front-door`, `normalize`, `parse`). */
  stage: string;
  /** How many diagnostics the error zone holds for this attempt. */
  errors: number;
  /** Distinct codes of its error diagnostics (at most MAX_EVENT_CODES), never their text. */
  codes: string[];
}

/** Most diagnostic codes a `failed` event lists (the error report holds all). */
export const MAX_EVENT_CODES = 20;

/** Body of each event kind. Pointers only, never message content (claim check, SNS 256 KB). */
export interface HubEventBodies {
  ingested: IngestedBody;
  staged: StagedBody;
  failed: FailedBody;
  'fhir-changed': FhirChangedBody;
}

/** `fhir-changed`: a FHIR resource version was written to the refined zone. */
export interface FhirChangedBody {
  /** `<Type>/<id>/_history/<version>`: one event per resource version. */
  eventId: string;
  resourceType: string;
  resourceId: string;
  versionId: string;
  previousVersionId?: string;
  change: 'create' | 'update' | 'delete' | 'merge';
  /** The refined zone key of the version. */
  resourceKey: string;
  /** The message the version came from, and its source. */
  messageId: string;
  source: string;
  at: string;
}

/** One hub event: attributes for routing, body of the matching kind. */
export type HubEventOf<E extends HubEventName> = { attributes: HubEventAttributes<E>; body: HubEventBodies[E] };

/** Every hub event, discriminated by `attributes.event`. */
export type HubEvent = { [E in HubEventName]: HubEventOf<E> }[HubEventName];
export type IngestedEvent = HubEventOf<'ingested'>;
export type StagedEvent = HubEventOf<'staged'>;
export type FailedEvent = HubEventOf<'failed'>;
export type FhirChangedEvent = HubEventOf<'fhir-changed'>;

/** Narrows an event to one kind. */
export function isHubEvent<E extends HubEventName>(event: HubEvent, name: E): event is Extract<HubEvent, { attributes: { event: E } }> {
  return event.attributes.event === name;
}
