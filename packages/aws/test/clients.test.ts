/**
 * SDK clients are created on first use: a registry builds nothing until an adapter asks
 * for its client, and a function's bundle imports only the SDK packages of the clients its
 * builders reach (the SNS and Step Functions packages cost tens of ms of cold start).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  AwsClientRegistry,
  awsClientsFor,
  catalogFor,
  createAwsClients,
  destroyAwsClients,
  DYNAMODB_CLIENT,
  hubFor,
  objectStoreFor,
  readLambdaEnv,
  S3_CLIENT,
  type ClientFactory,
} from '../src/index';
import { buildFunctionBundle, type BuiltBundle } from './loader/support/bundles';

const env = readLambdaEnv(
  { AWS_REGION: 'eu-west-1', HCDL_LAKE_BUCKET: 'lake', HCDL_CATALOG_TABLE: 'catalog', HCDL_HUB_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:hub' },
  ['lakeBucket', 'catalogTable', 'hubTopicArn'],
);

describe('AwsClientRegistry', () => {
  it('creates each client on its first get, once, and destroys only what it created', () => {
    const made: string[] = [];
    const destroyed: string[] = [];
    const factory = (name: string): ClientFactory<{ destroy(): void }> => ({
      name,
      create: () => (made.push(name), { destroy: () => void destroyed.push(name) }),
    });
    const a = factory('a');
    const b = factory('b');
    const registry = new AwsClientRegistry({ region: 'eu-west-1' });
    expect(made).toEqual([]);
    const first = registry.get(a);
    expect(registry.get(a)).toBe(first);
    expect(made).toEqual(['a']);
    expect(registry.created()).toEqual(['a']);
    registry.destroy();
    expect(destroyed).toEqual(['a']);
    registry.get(b);
    expect(made).toEqual(['a', 'b']);
  });

  it('createAwsClients constructs a client only when its name is read; the document client shares the raw one', () => {
    const clients = createAwsClients({ region: 'eu-west-1' });
    try {
      expect(clients.created()).toEqual([]);
      expect(clients.s3).toBe(clients.get(S3_CLIENT));
      expect(clients.created()).toEqual(['s3']);
      void clients.dynamo;
      expect(clients.created()).toEqual(['s3', 'dynamodb', 'dynamodb-document']);
      expect(clients.dynamoRaw).toBe(clients.get(DYNAMODB_CLIENT));
      expect(clients.created()).not.toContain('sns');
      expect(clients.created()).not.toContain('sfn');
    } finally {
      destroyAwsClients(clients);
    }
    expect(clients.created()).toEqual([]);
  });

  it('awsClientsFor builds nothing; each builder creates only the client of its adapter', () => {
    const clients = awsClientsFor(env);
    try {
      expect(clients.created()).toEqual([]);
      objectStoreFor(env, clients);
      catalogFor(env, clients);
      expect(clients.created()).toEqual(['s3', 'dynamodb', 'dynamodb-document']);
      hubFor(env, clients);
      expect(clients.created()).toEqual(['s3', 'dynamodb', 'dynamodb-document', 'sns']);
    } finally {
      clients.destroy();
    }
  });
});

describe('Lambda bundles import only the SDK clients they use', () => {
  const bundles = new Map<string, BuiltBundle>();
  const sdkImports = (name: string): string[] =>
    [...new Set([...readFileSync(bundles.get(name)!.outfile, 'utf8').matchAll(/from\s*"(@aws-sdk\/[a-z0-9-]+)"/g)].map((m) => m[1]!))].sort();

  beforeAll(async () => {
    for (const name of ['core-writer', 'query-api']) bundles.set(name, await buildFunctionBundle(name));
  }, 60_000);
  afterAll(() => {
    for (const b of bundles.values()) b.remove();
  });

  it('core-writer (S3, DynamoDB, SNS hub) leaves Step Functions out', () => {
    expect(sdkImports('core-writer')).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/client-sns', '@aws-sdk/lib-dynamodb']);
  });

  it('query-api (reads only) leaves SNS and Step Functions out; it presigns GETs, never uploads', () => {
    expect(sdkImports('query-api')).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/lib-dynamodb', '@aws-sdk/s3-request-presigner']);
  });
});
