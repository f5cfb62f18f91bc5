import { beforeEach, describe, expect, it } from '@jest/globals';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { hubEventFromSns, matchesFilterPolicy, type Attributes, type HubEvent } from '@hcdl/lake';
import { hubEvent, policyCases } from '@hcdl/lake/testing';
import { SnsHub } from '../src/sns/sns-hub';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:hcdl-dev-hub';
const sns = mockClient(SNSClient);
const hub = (): SnsHub => new SnsHub(new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }), TOPIC);

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
});

/** Input of the first Publish call. */
function published(): PublishCommandInput {
  const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
  if (input === undefined) throw new Error('no Publish call');
  return input;
}

/** The SNS record Lambda would receive for a Publish input (MessageAttributes as Type/Value). */
function deliveredRecord(input: { Message?: string; MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }> }) {
  const attrs = Object.fromEntries(Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, { Type: v.DataType ?? '', Value: v.StringValue ?? '' }]));
  return { Sns: { Message: input.Message ?? '', MessageAttributes: attrs } };
}

describe('SnsHub', () => {
  it('publishes the body as JSON with every attribute as a String MessageAttribute, on the topic', async () => {
    const event: HubEvent = {
      attributes: { event: 'ingested', protocol: 'hl7v2', format: 'er7', source: 'lab-a', messageType: 'ORU^R01' },
      body: { messageId: '01J0000000000000000000000A', source: 'lab-a', at: '2031-05-06T07:08:09.000Z', rawKey: 'raw/source=lab-a/x.hl7', attempt: 2 },
    };
    await hub().publish(event);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      TopicArn: TOPIC,
      Message: JSON.stringify(event.body),
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'ingested' },
        protocol: { DataType: 'String', StringValue: 'hl7v2' },
        format: { DataType: 'String', StringValue: 'er7' },
        source: { DataType: 'String', StringValue: 'lab-a' },
        messageType: { DataType: 'String', StringValue: 'ORU^R01' },
      },
    });
  });

  it('round-trips: the SNS record of what it publishes reads back as the same event', async () => {
    const event = hubEvent({ event: 'staged', messageType: 'ADT^A08' }, { stagingKey: 'staging/source=x/y.json' });
    await hub().publish(event);
    const input = published();
    expect(hubEventFromSns(deliveredRecord(input))).toEqual(event);
  });

  it('gives SNS filter policies the attributes the in-process hub filters on', async () => {
    for (const c of policyCases()) {
      sns.resetHistory();
      for (const attrs of [...c.matches, ...c.misses]) await hub().publish(hubEvent(attrs as Partial<HubEvent['attributes']>));
      const seen = sns.commandCalls(PublishCommand).map((call) => {
        const a = call.args[0].input.MessageAttributes ?? {};
        return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.StringValue])) as unknown as Attributes;
      });
      const expected = [...c.matches.map(() => true), ...c.misses.map(() => false)];
      expect({ title: c.title, results: seen.map((a) => matchesFilterPolicy(c.policy, a)) }).toEqual({ title: c.title, results: expected });
    }
  });

  it('leaves an empty attribute out (SNS rejects empty values); it reads back as empty', async () => {
    const event = hubEvent({ messageType: '' });
    await hub().publish(event);
    const input = published();
    expect(Object.keys(input.MessageAttributes ?? {}).sort()).toEqual(['event', 'format', 'protocol', 'source']);
    expect(hubEventFromSns(deliveredRecord(input)).attributes.messageType).toBe('');
  });

  it('propagates a Publish failure', async () => {
    sns.on(PublishCommand).rejects(new Error('throttled'));
    await expect(hub().publish(hubEvent())).rejects.toThrow('throttled');
  });
});
