import { ValidationError } from './errors';
import { type HubEvent, type HubEventAttributes, HubEventName } from './events';

/**
 * The one reader of hub events off a wire (SNS record, SQS record, the in-process hub's
 * JSON copy): checks the attributes and the body of the event's kind and returns the typed
 * event, or throws ValidationError naming what is wrong (never quoting values: a body
 * could be anything someone published).
 */
export function parseHubEvent(attributes: Readonly<Record<string, string | undefined>>, body: unknown): HubEvent {
  const event = attributes.event;
  const names: readonly string[] = Object.values(HubEventName);
  if (event === undefined || !names.includes(event)) throw new ValidationError('hub event: the event attribute is missing or unknown');
  const attrs: HubEventAttributes = {
    event: event as HubEventName,
    protocol: attributes.protocol ?? '',
    format: attributes.format ?? '',
    source: attributes.source ?? '',
    messageType: attributes.messageType ?? '',
  };
  const b = objectOf(body);
  switch (attrs.event) {
    case HubEventName.Ingested:
      return { attributes: { ...attrs, event: attrs.event }, body: pointer(b) };
    case HubEventName.Staged: {
      const staged = { ...pointer(b), stagingKey: text(b, 'stagingKey') };
      const structure = optionalText(b, 'structure');
      return { attributes: { ...attrs, event: attrs.event }, body: structure !== undefined ? { ...staged, structure } : staged };
    }
    case HubEventName.Failed: {
      const codes = b.codes;
      if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) throw new ValidationError('hub event: codes must be a list of strings');
      return {
        attributes: { ...attrs, event: attrs.event },
        body: { ...pointer(b), errorKey: text(b, 'errorKey'), stage: text(b, 'stage'), errors: count(b, 'errors'), codes: [...codes] },
      };
    }
    case HubEventName.FhirChanged: {
      const change = text(b, 'change');
      if (change !== 'create' && change !== 'update' && change !== 'delete' && change !== 'merge')
        throw new ValidationError('hub event: change is not a FHIR change kind');
      const previousVersionId = optionalText(b, 'previousVersionId');
      return {
        attributes: { ...attrs, event: attrs.event },
        body: {
          eventId: text(b, 'eventId'),
          resourceType: text(b, 'resourceType'),
          resourceId: text(b, 'resourceId'),
          versionId: text(b, 'versionId'),
          ...(previousVersionId !== undefined ? { previousVersionId } : {}),
          change,
          resourceKey: text(b, 'resourceKey'),
          messageId: text(b, 'messageId'),
          source: text(b, 'source'),
          at: text(b, 'at'),
        },
      };
    }
  }
}

type Fields = Record<string, unknown>;

function objectOf(body: unknown): Fields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('hub event: the body is not a JSON object');
  return body as Fields;
}

function text(b: Fields, name: string): string {
  const v = b[name];
  if (typeof v !== 'string' || v === '') throw new ValidationError(`hub event: ${name} is missing or not text`);
  return v;
}

function optionalText(b: Fields, name: string): string | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ValidationError(`hub event: ${name} is not text`);
  return v;
}

function count(b: Fields, name: string): number {
  const v = b[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ValidationError(`hub event: ${name} must be a whole number`);
  return v;
}

function pointer(b: Fields): { messageId: string; source: string; rawKey: string; attempt: number; at: string } {
  const attempt = count(b, 'attempt');
  if (attempt < 1) throw new ValidationError('hub event: attempt must be at least 1');
  return { messageId: text(b, 'messageId'), source: text(b, 'source'), rawKey: text(b, 'rawKey'), attempt, at: text(b, 'at') };
}
