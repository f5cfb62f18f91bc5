import type { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AwsClients } from './clients';
import { DynamoCatalog } from './dynamodb/dynamo-catalog';
import { createIdempotencyStore } from './idempotency/idempotency-store';
import { S3ObjectStore } from './s3/s3-object-store';
import { SnsHub } from './sns/sns-hub';

/** Names of the lake's AWS resources (from the environment, read by each function's env.ts). */
export interface AwsAdaptersConfig {
  lakeBucket: string;
  /** SSE-KMS key for object puts (id, ARN or alias); absent: the bucket's default KMS key. */
  kmsKeyId?: string | undefined;
  catalogTable: string;
  idempotencyTable: string;
  hubTopicArn: string;
}

export interface AwsAdapters {
  objectStore: S3ObjectStore;
  catalog: DynamoCatalog;
  idempotencyStore: DynamoDBPersistenceLayer;
  hub: SnsHub;
}

/**
 * The AWS adapter of every port over injected clients. Adapters are light objects holding
 * names; the clients are what a container must create once and reuse. No I/O happens here.
 */
export function createAwsAdapters(config: AwsAdaptersConfig, clients: AwsClients): AwsAdapters {
  return {
    objectStore: new S3ObjectStore(clients.s3, { bucket: config.lakeBucket, ...(config.kmsKeyId !== undefined ? { kmsKeyId: config.kmsKeyId } : {}) }),
    catalog: new DynamoCatalog(clients.dynamo, config.catalogTable),
    idempotencyStore: createIdempotencyStore({ idempotencyTable: config.idempotencyTable }, clients),
    hub: new SnsHub(clients.sns, config.hubTopicArn),
  };
}
