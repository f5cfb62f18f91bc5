/** Hub event names, as carried in the `event` attribute. */
export const HubEventName = {
  Ingested: 'ingested',
  Staged: 'staged',
  Failed: 'failed',
  FhirChanged: 'fhir-changed',
} as const;
export type HubEventName = (typeof HubEventName)[keyof typeof HubEventName];

/** Message attributes of every hub event (SNS MessageAttributes; filter policies match these). */
export interface HubEventAttributes {
  event: HubEventName;
  protocol: string;
  format: string;
  source: string;
  messageType: string;
}

/** Claim-check body: pointers into the zones and the catalog, never the message itself. */
export interface HubEventBody {
  messageId: string;
  source: string;
  at: string;
  rawKey?: string;
  stagingKey?: string;
  errorKey?: string;
  /** Attempt number of the staging run (1 = first run, replays add one). */
  attempt?: number;
  [pointer: string]: unknown;
}

export interface HubEvent {
  attributes: HubEventAttributes;
  body: HubEventBody;
}
