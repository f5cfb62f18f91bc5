import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { hubEvent, messageRecord, T0 } from '@hcdl/lake/testing';
import { createAwsAdapters, type AwsAdaptersConfig } from '../src/adapters';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../src/clients';
import { createCatalogTable } from '../src/dynamodb/create-catalog-table';
import { startDynalite, TEST_CREDENTIALS, TEST_REGION, type DynamoServer } from './support/dynalite';
import { startS3rver, type S3Server } from './support/s3rver';

// createAwsClients + createAwsAdapters wired to the loopback servers (S3, DynamoDB) and to
// a mocked SNS client: what a Lambda's loader builds on its first call.
const CONFIG: AwsAdaptersConfig = {
  lakeBucket: 'hcdl-test-lake',
  kmsKeyId: 'alias/hcdl-test',
  catalogTable: 'hcdl-test-catalog',
  idempotencyTable: 'hcdl-test-idempotency',
  hubTopicArn: 'arn:aws:sns:us-east-1:123456789012:hcdl-test-hub',
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
  it('builds every port on the injected clients: S3 and DynamoDB for real, SNS on its client', async () => {
    const adapters = createAwsAdapters(CONFIG, clients);
    const snsMock = mockClient(clients.sns);
    try {
      snsMock.on(PublishCommand).resolves({});

      const record = messageRecord('lab-a', T0);
      await adapters.objectStore.put({ key: record.rawKey, body: 'MSH|^~\\&|', tags: { zone: 'raw' } });
      expect(await adapters.objectStore.getTags(record.rawKey)).toEqual({ zone: 'raw' });
      await adapters.catalog.putMessage(record);
      expect(await adapters.catalog.getMessage(record.messageId)).toEqual(record);

      await adapters.hub.publish(hubEvent({ source: 'lab-a' }));
      expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(CONFIG.hubTopicArn);

      expect(adapters.idempotencyStore).toBeInstanceOf(DynamoDBPersistenceLayer);
    } finally {
      snsMock.restore();
    }
  });
});
