import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../src/errors';
import { failedEvent, ingestedEvent, stagedEvent } from '../src/event-builders';
import type { HubEvent } from '../src/events';
import { hubEventFromSns, hubEventFromSqs, snsAttributesOf, type SnsRecordLike, type SqsRecordLike } from '../src/sns-envelope';
import { messageRecord, T0 } from '../src/testing/catalog-fixtures';

/** What SNS hands Lambda for a publish of `Message` + `MessageAttributes` (Type/Value instead of DataType/StringValue). */
function deliveredBySns(event: HubEvent): SnsRecordLike {
  const published = snsAttributesOf(event.attributes);
  const MessageAttributes = Object.fromEntries(Object.entries(published).map(([k, a]) => [k, { Type: a.DataType, Value: a.StringValue }]));
  return { Sns: { Message: JSON.stringify(event.body), MessageAttributes } };
}

/** What SNS delivers to a queue with raw message delivery (the body is the message, attributes become SQS ones). */
function deliveredToSqs(event: HubEvent): SqsRecordLike {
  const published = snsAttributesOf(event.attributes);
  const messageAttributes = Object.fromEntries(Object.entries(published).map(([k, a]) => [k, { dataType: a.DataType, stringValue: a.StringValue }]));
  return { body: JSON.stringify(event.body), messageAttributes };
}

const record = messageRecord('lab-1', T0, { messageType: 'ORU^R01', attempts: 2 });
const at = new Date(T0 + 5).toISOString();
const stagingKey = `staging/source=lab-1/protocol=hl7v2/format=json/type=ORU_R01/dt=2024-01-01/${record.messageId}.json`;
const errorKey = `error/source=lab-1/protocol=hl7v2/dt=2024-01-01/${record.messageId}.hl7`;

describe('SNS envelope of hub events', () => {
  it.each([
    ['ingested', ingestedEvent(record, at)],
    ['staged', stagedEvent({ ...record, stagingKey, structure: 'ORU_R01' }, at)],
    ['failed', failedEvent({ ...record, errorKey }, { stage: 'parse', diagnostics: [{ code: 'NO_MSH "| ^~\\&', severity: 'error' }] }, at)],
  ])('round-trips a %s event through the SNS record shape and the SQS record shape', (_name, event) => {
    expect(hubEventFromSns(deliveredBySns(event))).toEqual(event);
    expect(hubEventFromSqs(deliveredToSqs(event))).toEqual(event);
  });

  it('publishes every attribute as a String', () => {
    const attrs = snsAttributesOf(ingestedEvent(record, at).attributes);
    expect(attrs).toEqual({
      event: { DataType: 'String', StringValue: 'ingested' },
      protocol: { DataType: 'String', StringValue: 'hl7v2' },
      format: { DataType: 'String', StringValue: 'er7' },
      source: { DataType: 'String', StringValue: 'lab-1' },
      messageType: { DataType: 'String', StringValue: 'ORU^R01' },
    });
  });

  it('leaves out empty attributes (SNS refuses them) and reads them back as empty', () => {
    const event = ingestedEvent({ ...record, messageType: '' }, at);
    const attrs = snsAttributesOf(event.attributes);
    expect(Object.keys(attrs)).not.toContain('messageType');
    for (const a of Object.values(attrs)) expect(a.StringValue).not.toBe('');
    expect(hubEventFromSns(deliveredBySns(event))).toEqual(event);
  });

  it('keeps non-ASCII text of the body intact', () => {
    const event = failedEvent({ ...record, errorKey }, { stage: 'parse', diagnostics: [{ code: 'Hôpital Élan — Zoë 日本', severity: 'error' }] }, at);
    expect(hubEventFromSns(deliveredBySns(event)).body).toEqual(event.body);
  });

  it("refuses a record without an event attribute (the kind decides the body's shape)", () => {
    expect(() => hubEventFromSns({ Sns: { Message: JSON.stringify(ingestedEvent(record, at).body) } })).toThrow(ValidationError);
  });

  it('reads a missing optional attribute back as empty', () => {
    const r = deliveredBySns(ingestedEvent(record, at));
    delete r.Sns.MessageAttributes?.format;
    expect(hubEventFromSns(r).attributes.format).toBe('');
  });

  it.each([
    ['ingested without rawKey', 'ingested', { messageId: 'x', source: 's', attempt: 1, at }],
    ['ingested with attempt 0', 'ingested', { messageId: 'x', source: 's', rawKey: 'raw/k', attempt: 0, at }],
    ['staged without stagingKey', 'staged', { messageId: 'x', source: 's', rawKey: 'raw/k', attempt: 1, at }],
    [
      'failed with codes as text',
      'failed',
      { messageId: 'x', source: 's', rawKey: 'raw/k', attempt: 1, at, errorKey: 'e', stage: 'parse', errors: 1, codes: 'NO_MSH' },
    ],
    [
      'fhir-changed with an unknown change',
      'fhir-changed',
      { eventId: 'e', resourceType: 'Patient', resourceId: 'p', versionId: '1', change: 'erase', resourceKey: 'k', messageId: 'x', source: 's', at },
    ],
    ['an unknown event', 'archived', { messageId: 'x' }],
  ])('refuses %s with ValidationError', (_title, event, body) => {
    expect(() => hubEventFromSqs({ body: JSON.stringify(body), messageAttributes: { event: { stringValue: event } } })).toThrow(ValidationError);
  });

  it('drops body fields its kind does not have', () => {
    const sent = deliveredToSqs(ingestedEvent(record, at));
    sent.body = JSON.stringify({ ...JSON.parse(sent.body), extra: 'x' });
    expect(Object.keys(hubEventFromSqs(sent).body).sort()).toEqual(['at', 'attempt', 'messageId', 'rawKey', 'source']);
  });

  it('ignores attributes that are not hub event attributes', () => {
    const r = deliveredBySns(ingestedEvent(record, at));
    r.Sns.MessageAttributes = { ...r.Sns.MessageAttributes, extra: { Type: 'String', Value: 'x' } };
    expect(Object.keys(hubEventFromSns(r).attributes).sort()).toEqual(['event', 'format', 'messageType', 'protocol', 'source']);
  });

  it('refuses a body that is not JSON with ValidationError, keeping the cause', () => {
    const err = (() => {
      try {
        hubEventFromSns({ Sns: { Message: 'MSH|^~\\&|not json' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
  });

  // JSON.parse quotes the start of its input in some messages (V8: "Unexpected token 'P', "PID|1||..." is not valid JSON").
  it.each([
    'PID|1||SECRET-MRN-77^^^H^MR||Zebedee^Quill',
    '{"messageId": "01J", "patient": Zebedee Quill}',
    '{"messageId": "Zebedee',
    '{"messageId":"01J"} Zebedee',
  ])('keeps as cause only the kind and position of the JSON error, not the input %j', (message) => {
    let err: unknown;
    try {
      hubEventFromSns({ Sns: { Message: message } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const cause = (err as Error).cause as Error;
    expect(cause).toBeInstanceOf(SyntaxError);
    expect(cause.message).toMatch(/^not valid JSON( at position \d+| \(input ends early\))?$/);
    for (const text of [cause.message, String(cause.stack), (err as Error).message, String((err as Error).stack)]) {
      for (const secret of ['Zebedee', 'Quill', 'SECRET', 'PID|']) expect(text).not.toContain(secret);
    }
  });

  it.each(['null', '[]', '"text"', '42', '{}', '{"messageId":42}', '{"source":"lab"}'])('refuses the body %s with ValidationError', (message) => {
    expect(() => hubEventFromSns({ Sns: { Message: message } })).toThrow(ValidationError);
  });
});
