import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PublishCommand } from '@aws-sdk/client-sns';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { newMessageId, rawKey } from '@hcdl/lake';
import { hubEvent, messageRecord, T0 } from '@hcdl/lake/testing';
import { createAwsAdapters, type AwsAdaptersConfig } from '../src/adapters';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../src/clients';
import { createCatalogTable } from '../src/dynamodb/create-catalog-table';
import { startDynalite, TEST_CREDENTIALS, TEST_REGION, type DynamoServer } from './support/dynalite';
import { startS3rver, type S3Server } from './support/s3rver';

// createAwsClients + createAwsAdapters wired to the loopback servers (S3, DynamoDB) and to
// mocked SNS / Step Functions clients: what a Lambda's loader builds on its first call.
const CONFIG: AwsAdaptersConfig = {
  lakeBucket: 'hcdl-test-lake',
  kmsKeyId: 'alias/hcdl-test',
  catalogTable: 'hcdl-test-catalog',
  idempotencyTable: 'hcdl-test-idempotency',
  hubTopicArn: 'arn:aws:sns:us-east-1:123456789012:hcdl-test-hub',
  stagingStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:hcdl-test-staging',
};
let s3: S3Server;
let dynamo: DynamoServer;
let clients: AwsClients;

beforeAll(async () => {
  [s3, dynamo] = await Promise.all([startS3rver([CONFIG.lakeBucket]), startDynalite()]);
  clients = createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { s3: s3.endpoint, dynamodb: dynamo.endpoint } });
  await createCatalogTable(clients.dynamoRaw, CONFIG.catalogTable);
});

afterAll(async () => {
  if (clients !== undefined) destroyAwsClients(clients);
  await Promise.all([s3?.close(), dynamo?.close()]);
});

describe('createAwsClients', () => {
  it('uses the region and endpoints given, path-style S3 with an endpoint, and drops undefined values in the document client', async () => {
    expect(await clients.s3.config.region()).toBe(TEST_REGION);
    expect(clients.s3.config.forcePathStyle).toBe(true);
    expect((await clients.dynamoRaw.config.endpoint?.())?.port).toBe(Number(new URL(dynamo.endpoint).port));
    expect(clients.dynamo.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
  });

  it('keeps virtual-host S3 and the default endpoints without overrides', async () => {
    const plain = createAwsClients({ region: 'eu-west-1' });
    try {
      expect(plain.s3.config.forcePathStyle).toBeFalsy();
      expect(plain.dynamoRaw.config.endpoint).toBeUndefined();
      expect(await plain.sns.config.region()).toBe('eu-west-1');
    } finally {
      destroyAwsClients(plain);
    }
  });
});

describe('createAwsAdapters', () => {
  it('builds every port on the injected clients: S3 and DynamoDB for real, SNS and Step Functions on their clients', async () => {
    const adapters = createAwsAdapters(CONFIG, clients);
    const snsMock = mockClient(clients.sns);
    const sfnMock = mockClient(clients.sfn);
    try {
      snsMock.on(PublishCommand).resolves({});
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });

      const record = messageRecord('lab-a', T0);
      await adapters.objectStore.put({ key: record.rawKey, body: 'MSH|^~\\&|', tags: { zone: 'raw' } });
      expect((await adapters.objectStore.head(record.rawKey))?.tags).toEqual({ zone: 'raw' });
      await adapters.catalog.putMessage(record);
      expect(await adapters.catalog.getMessage(record.messageId)).toEqual(record);

      await adapters.hub.publish(hubEvent({ source: 'lab-a' }));
      expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(CONFIG.hubTopicArn);

      const id = newMessageId();
      await adapters.stagingStarter.start(`${id}-1`, { messageId: id, source: 'lab-a', rawKey: rawKey('lab-a', id), attempt: 1 });
      expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(CONFIG.stagingStateMachineArn);

      expect(adapters.idempotencyStore).toBeInstanceOf(DynamoDBPersistenceLayer);
    } finally {
      snsMock.restore();
      sfnMock.restore();
    }
  });
});
