import type { HubEvent, HubEventAttributes, HubEventBody } from './events';
import { ValidationError } from './errors';

/** The parts of an SNS record (Lambda SNS event) a hub event travels in. */
export interface SnsRecordLike {
  Sns: { Message: string; MessageAttributes?: Record<string, { Type?: string; Value?: string }> };
}

/**
 * SNS MessageAttributes of a hub event (all String). SNS refuses an attribute with an empty
 * value, so empty ones are left out; hubEventFromSns reads a missing attribute back as ''.
 */
export function snsAttributesOf(attributes: HubEventAttributes): Record<string, { DataType: 'String'; StringValue: string }> {
  const out: Record<string, { DataType: 'String'; StringValue: string }> = {};
  for (const [k, v] of Object.entries(attributes)) {
    const text = v === undefined || v === null ? '' : String(v);
    if (text !== '') out[k] = { DataType: 'String', StringValue: text };
  }
  return out;
}

/** Reads a hub event back from an SNS record delivered to Lambda. */
export function hubEventFromSns(record: SnsRecordLike): HubEvent {
  const a = record.Sns.MessageAttributes ?? {};
  const value = (k: string): string => a[k]?.Value ?? '';
  let body: HubEventBody;
  try {
    body = JSON.parse(record.Sns.Message) as HubEventBody;
  } catch (err) {
    throw new ValidationError('SNS message is not a hub event body', { cause: jsonErrorWithoutInput(err) });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof body.messageId !== 'string') {
    throw new ValidationError('hub event body has no messageId');
  }
  const attributes = {
    event: value('event'),
    protocol: value('protocol'),
    format: value('format'),
    source: value('source'),
    messageType: value('messageType'),
  } as HubEventAttributes;
  return { attributes, body };
}

/**
 * What JSON.parse threw, without the input text: its message quotes the start of the input
 * ("Unexpected token 'P', "PID|1||..." is not valid JSON"), which may be a message body.
 * Keeps the error type and the position, which is all a reader needs to find the fault.
 */
function jsonErrorWithoutInput(err: unknown): Error {
  const name = err instanceof Error ? err.name : typeof err;
  const position = err instanceof Error ? /\bposition (\d+)/.exec(err.message)?.[1] : undefined;
  const end = err instanceof Error && /end of JSON input/.test(err.message);
  const where = position !== undefined ? ` at position ${position}` : end ? ' (input ends early)' : '';
  const safe = err instanceof SyntaxError ? new SyntaxError(`not valid JSON${where}`) : new Error(`${name}${where}`);
  if (!(err instanceof SyntaxError)) safe.name = name;
  return safe;
}
