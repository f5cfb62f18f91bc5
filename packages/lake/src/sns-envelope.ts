import { ValidationError } from './errors';
import { parseHubEvent } from './event-parse';
import type { HubEvent, HubEventAttributes } from './events';

/** The parts of an SNS record (Lambda SNS event) a hub event travels in. */
export interface SnsRecordLike {
  Sns: { Message: string; MessageAttributes?: Record<string, { Type?: string; Value?: string }> };
}

/**
 * The parts of an SQS record a hub event travels in when SNS delivers to a queue with raw
 * message delivery: the body is the event body, the attributes are SQS message attributes.
 */
export interface SqsRecordLike {
  body: string;
  messageAttributes?: Record<string, { stringValue?: string; dataType?: string }>;
}

/**
 * SNS MessageAttributes of a hub event (all String). SNS refuses an attribute with an empty
 * value, so empty ones are left out; the readers below read a missing attribute back as ''.
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
  const attributes: Record<string, string | undefined> = {};
  for (const [k, a] of Object.entries(record.Sns.MessageAttributes ?? {})) attributes[k] = a.Value;
  return parseHubEvent(attributes, parseBody(record.Sns.Message));
}

/** Reads a hub event back from an SQS record (SNS raw message delivery to the queue). */
export function hubEventFromSqs(record: SqsRecordLike): HubEvent {
  const attributes: Record<string, string | undefined> = {};
  for (const [k, a] of Object.entries(record.messageAttributes ?? {})) attributes[k] = a.stringValue;
  return parseHubEvent(attributes, parseBody(record.body));
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError('hub event body is not JSON', { cause: jsonErrorWithoutInput(err) });
  }
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
