/**
 * The loader's catalog: with HCDL_CATALOG_MIRROR=true (core-writer's functions only) catalogFor
 * is DynamoDB with the mirror in the lake bucket (SSE-KMS like every lake object); without it,
 * the plain DynamoDB catalog.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { messageRecord, T0 } from '@hcdl/lake/testing';
import {
  AwsAdapterConfigError,
  catalogFor,
  coreWriterCatalogFor,
  createAwsClients,
  destroyAwsClients,
  DynamoCatalog,
  LambdaConfigError,
  MirroredCatalog,
  readLambdaEnv,
} from '../../src/index';

const BASE = { AWS_REGION: 'eu-west-1', HCDL_LAKE_BUCKET: 'lake', HCDL_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:000000000000:key/k', HCDL_CATALOG_TABLE: 'catalog' };
const env = readLambdaEnv({ ...BASE, HCDL_CATALOG_MIRROR: 'true' }, ['lakeBucket', 'catalogTable']);

describe('HCDL_CATALOG_MIRROR', () => {
  it('is off unless set to true; anything but true/false is a configuration error naming the variable', () => {
    expect(readLambdaEnv(BASE, ['catalogTable']).catalogMirror).toBeUndefined();
    expect(readLambdaEnv({ ...BASE, HCDL_CATALOG_MIRROR: 'false' }, ['catalogTable']).catalogMirror).toBeUndefined();
    expect(readLambdaEnv({ ...BASE, HCDL_CATALOG_MIRROR: 'TRUE' }, ['catalogTable']).catalogMirror).toBe(true);
    expect(() => readLambdaEnv({ ...BASE, HCDL_CATALOG_MIRROR: 'yes' }, ['catalogTable'])).toThrow(
      expect.objectContaining({ variable: 'HCDL_CATALOG_MIRROR' }) as never,
    );
  });

  it('needs the lake bucket', () => {
    const { HCDL_LAKE_BUCKET: _bucket, ...noBucket } = BASE;
    const read = () => readLambdaEnv({ ...noBucket, HCDL_CATALOG_MIRROR: 'true' }, ['catalogTable']);
    expect(read).toThrow(LambdaConfigError);
    expect(read).toThrow(/HCDL_LAKE_BUCKET is not set/);
    // a caller that builds the env by hand is refused too
    expect(() => catalogFor({ ...readLambdaEnv(noBucket, ['catalogTable']), catalogMirror: true }, createAwsClients({ region: 'eu-west-1' }))).toThrow(
      AwsAdapterConfigError,
    );
  });
});

describe('catalogFor with the mirror on', () => {
  const clients = createAwsClients({ region: 'eu-west-1' });
  afterEach(() => destroyAwsClients(clients));

  it('mirrors each catalog write to catalog/ of the lake bucket, encrypted with the lake key', async () => {
    const s3 = mockClient(clients.s3);
    const dynamo = mockClient(clients.dynamo);
    try {
      s3.on(PutObjectCommand).resolves({});
      dynamo.onAnyCommand().resolves({});
      expect(coreWriterCatalogFor(env, clients)).toBeInstanceOf(MirroredCatalog);
      expect(catalogFor(readLambdaEnv(BASE, ['catalogTable']), clients)).toBeInstanceOf(DynamoCatalog);
      const catalog = catalogFor(env, clients);
      expect(catalog).toBeInstanceOf(MirroredCatalog);

      // A row is mirrored at its outcome, not while it waits for staging.
      const m = messageRecord('clinic-a', T0, { status: 'staged' });
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
      expect(JSON.parse(Buffer.from(input.Body as Uint8Array).toString('utf8'))).toMatchObject({ message_id: m.messageId, status: 'staged' });
    } finally {
      s3.restore();
      dynamo.restore();
    }
  });
});
