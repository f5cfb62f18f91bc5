import { PutEventsCommand, type PutEventsRequestEntry, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { fhirChangedEvent, type FhirChangedBody, ResourceChange, type ResourceVersion } from '@hcdl/lake';
import { AwsAdapterError } from '../errors';

/** `source` of every refined-zone change event on the bus. */
export const FHIR_EVENT_SOURCE = 'hcdl.fhir';

/** `detail-type` by change kind (what a rule matches on to take only creates, deletes...). */
export const FhirDetailType = {
  [ResourceChange.Create]: 'FHIR Resource Created',
  [ResourceChange.Update]: 'FHIR Resource Updated',
  [ResourceChange.Delete]: 'FHIR Resource Deleted',
  [ResourceChange.Merge]: 'FHIR Resource Merged',
} as const satisfies Record<ResourceChange, string>;

/** The event's `detail`: the hub's `fhir-changed` body, the messages that made the version, and the resource when small enough. */
export interface FhirChangeDetail extends FhirChangedBody {
  messageIds: string[];
  /** The resource (absent on a delete, and above the inline threshold: read it at `resourceKey`). */
  resource?: unknown;
}

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;
/**
 * Largest resource (UTF-8 bytes of its JSON) carried in the event. An entry may be 256 KB in
 * all; the rest of the detail is small, and a smaller event is cheaper (billed per 64 KB).
 */
export const DEFAULT_INLINE_RESOURCE_BYTES = 64 * 1024;

export interface FhirChangePublisherOptions {
  eventBusName: string;
  inlineResourceBytes?: number;
}

/** The PutEvents entry of a committed version. */
export function fhirChangeEntry(version: ResourceVersion, options: FhirChangePublisherOptions): PutEventsRequestEntry {
  const detail: FhirChangeDetail = { ...fhirChangedEvent(version).body, messageIds: [version.messageId] };
  const limit = options.inlineResourceBytes ?? DEFAULT_INLINE_RESOURCE_BYTES;
  if (version.body !== undefined && Buffer.byteLength(version.body, 'utf8') <= limit) detail.resource = JSON.parse(version.body) as unknown;
  return {
    EventBusName: options.eventBusName,
    Source: FHIR_EVENT_SOURCE,
    DetailType: FhirDetailType[version.change],
    Time: new Date(version.lastUpdated),
    Detail: JSON.stringify(detail),
  };
}

/**
 * Publishes change events to the refined EventBridge bus (the archive there is the replayable
 * feed, ADR 0011). Used as the outbox relay's `announce`/batch step: a failed entry rejects, so
 * the relay leaves the versions pending and the next drain sends them again (at least once;
 * `detail.eventId` tells repeats apart).
 */
export class FhirChangePublisher {
  constructor(
    private readonly eventBridge: EventBridgeClient,
    private readonly options: FhirChangePublisherOptions,
  ) {}

  async publish(versions: readonly ResourceVersion[]): Promise<void> {
    for (let i = 0; i < versions.length; i += ENTRIES_PER_CALL) {
      const entries = versions.slice(i, i + ENTRIES_PER_CALL).map((v) => fhirChangeEntry(v, this.options));
      const out = await this.eventBridge.send(new PutEventsCommand({ Entries: entries }));
      const failed = out.FailedEntryCount ?? 0;
      if (failed > 0) {
        const codes = [...new Set((out.Entries ?? []).map((e) => e.ErrorCode).filter((c) => c !== undefined))].join(', ');
        throw new AwsAdapterError(`EventBridge refused ${String(failed)} of ${String(entries.length)} change events (${codes})`);
      }
    }
  }

  /** One version (the relay's `announce`). */
  announce(version: ResourceVersion): Promise<void> {
    return this.publish([version]);
  }
}
