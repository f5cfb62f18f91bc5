/**
 * The hub wire contract (@hcdl/lake/testing) on SnsHub: what it sends to SNS (captured with
 * aws-sdk-client-mock) is read back unchanged by the Lambda side, and the staging
 * subscription's filter policy (declared once in @hcdl/core, the one the SNS subscription
 * and the local hub use) selects exactly the `ingested` events.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STAGING_SUBSCRIPTION } from '@hcdl/core/subscriptions';
import { hubWireContract } from '@hcdl/lake/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsHub } from '../src/sns/sns-hub';

hubWireContract(
  'SnsHub',
  async () => {
    const client = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const sns = mockClient(client);
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    return {
      hub: new SnsHub(client, 'arn:aws:sns:us-east-1:123456789012:hcdl-test-hub'),
      sent: () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input),
      close: async () => sns.restore(),
    };
  },
  { routes: [{ subscription: STAGING_SUBSCRIPTION, receives: ['ingested'] }] },
);
