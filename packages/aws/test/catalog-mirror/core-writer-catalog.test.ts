/**
 * coreWriterCatalogFor: core-writer's catalog is DynamoDB with the mirror in the lake bucket
 * (SSE-KMS like every lake object); catalogFor stays the plain DynamoDB catalog for readers.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { messageRecord, T0 } from '@hcdl/lake/testing';
import { catalogFor, coreWriterCatalogFor, createAwsClients, destroyAwsClients, DynamoCatalog, MirroredCatalog, readLambdaEnv } from '../../src/index';

const env = readLambdaEnv(
  { AWS_REGION: 'eu-west-1', HCDL_LAKE_BUCKET: 'lake', HCDL_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/k', HCDL_CATALOG_TABLE: 'catalog' },
  ['lakeBucket', 'catalogTable'],
);

describe('coreWriterCatalogFor', () => {
  const clients = createAwsClients({ region: 'eu-west-1' });
  afterEach(() => destroyAwsClients(clients));

  it('mirrors each catalog write to catalog/ of the lake bucket, encrypted with the lake key', async () => {
    const s3 = mockClient(clients.s3);
    const dynamo = mockClient(clients.dynamo);
    try {
      s3.on(PutObjectCommand).resolves({});
      dynamo.onAnyCommand().resolves({});
      const catalog = coreWriterCatalogFor(env, clients);
      expect(catalog).toBeInstanceOf(MirroredCatalog);
      expect(catalogFor(env, clients)).toBeInstanceOf(DynamoCatalog);

      const m = messageRecord('clinic-a', T0);
      await catalog.putMessage(m);
      expect(dynamo.calls().length).toBeGreaterThan(0);
      const puts = s3.commandCalls(PutObjectCommand);
      expect(puts).toHaveLength(1);
      const input = puts[0]!.args[0].input;
      expect(input).toMatchObject({
        Bucket: 'lake',
        Key: `catalog/messages/source=clinic-a/dt=${new Date(T0).toISOString().slice(0, 10)}/${m.messageId}.json`,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:eu-west-1:000000000000:key/k',
      });
      expect(JSON.parse(Buffer.from(input.Body as Uint8Array).toString('utf8'))).toMatchObject({ message_id: m.messageId, status: 'ingested' });
    } finally {
      s3.restore();
      dynamo.restore();
    }
  });
});
