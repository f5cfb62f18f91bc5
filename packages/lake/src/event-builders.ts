import { type FailedEvent, HubEventName, type IngestedEvent, MAX_EVENT_CODES, type StagedEvent } from './events';
import type { MessageRecord } from './records';

type Routed = Pick<MessageRecord, 'source' | 'protocol' | 'format' | 'messageType'>;

/** Attributes every event about a message carries (filter policies match them). */
function attributesOf<E extends HubEventName>(event: E, record: Routed) {
  return { event, protocol: record.protocol, format: record.format, source: record.source, messageType: record.messageType ?? 'UNKNOWN' };
}

/** `ingested` for the next staging attempt of a row (attempts so far + 1). */
export function ingestedEvent(record: MessageRecord, at = new Date().toISOString()): IngestedEvent {
  return {
    attributes: attributesOf(HubEventName.Ingested, record),
    body: { messageId: record.messageId, source: record.source, rawKey: record.rawKey, attempt: record.attempts + 1, at },
  };
}

/** `staged` for a row the outcome step has just moved to `staged` (its staging key set). */
export function stagedEvent(record: MessageRecord & { stagingKey: string }, at = new Date().toISOString()): StagedEvent {
  const body: StagedEvent['body'] = {
    messageId: record.messageId,
    source: record.source,
    rawKey: record.rawKey,
    stagingKey: record.stagingKey,
    attempt: Math.max(1, record.attempts),
    at,
  };
  if (record.structure !== undefined) body.structure = record.structure;
  return { attributes: attributesOf(HubEventName.Staged, record), body };
}

/** `failed` for a row the outcome step has just moved to `error`: counts and codes, never diagnostic text. */
export function failedEvent(
  record: MessageRecord & { errorKey: string },
  details: { stage: string; diagnostics: readonly { severity: string; code: string }[] },
  at = new Date().toISOString(),
): FailedEvent {
  const codes = [...new Set(details.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))].slice(0, MAX_EVENT_CODES);
  return {
    attributes: attributesOf(HubEventName.Failed, record),
    body: {
      messageId: record.messageId,
      source: record.source,
      rawKey: record.rawKey,
      errorKey: record.errorKey,
      attempt: Math.max(1, record.attempts),
      stage: details.stage,
      errors: details.diagnostics.length,
      codes,
      at,
    },
  };
}
