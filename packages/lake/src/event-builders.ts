import { HubEventName, type HubEvent, type HubEventBody } from './events';
import type { MessageRecord } from './records';

/** Attributes every event about a message carries (filter policies match them). */
function attributesOf(event: HubEventName, record: Pick<MessageRecord, 'source' | 'protocol' | 'format' | 'messageType'>): HubEvent['attributes'] {
  return { event, protocol: record.protocol, format: record.format, source: record.source, messageType: record.messageType ?? 'UNKNOWN' };
}

export function ingestedEvent(record: MessageRecord, at = new Date().toISOString()): HubEvent {
  return {
    attributes: attributesOf(HubEventName.Ingested, record),
    body: { messageId: record.messageId, source: record.source, rawKey: record.rawKey, attempt: record.attempts + 1, at },
  };
}

export function stagedEvent(
  record: MessageRecord,
  pointers: { workKey: string; structure?: string; attempt: number },
  at = new Date().toISOString(),
): HubEvent {
  const body: HubEventBody = {
    messageId: record.messageId,
    source: record.source,
    rawKey: record.rawKey,
    workKey: pointers.workKey,
    attempt: pointers.attempt,
    at,
  };
  if (pointers.structure !== undefined) body.structure = pointers.structure;
  return { attributes: attributesOf(HubEventName.Staged, record), body };
}

export function failedEvent(
  record: MessageRecord,
  details: { attempt: number; stage: string; diagnostics: unknown[] },
  at = new Date().toISOString(),
): HubEvent {
  return {
    attributes: attributesOf(HubEventName.Failed, record),
    body: {
      messageId: record.messageId,
      source: record.source,
      rawKey: record.rawKey,
      attempt: details.attempt,
      stage: details.stage,
      diagnostics: details.diagnostics,
      at,
    },
  };
}
