import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';

/**
 * The idempotency table as Powertools' DynamoDBPersistenceLayer uses it (infra creates it
 * with exactly these names: infra/src/stacks/core.ts):
 * - partition key `id` (S): `hcdl-dedup#<hash of the idempotency key>` (@hcdl/core DEDUP_KEY_PREFIX:
 *   the same for every deployable, never the function's name), no sort key;
 * - `expiration` (N, epoch seconds): end of the dedup window; the table's TTL attribute, so
 *   DynamoDB deletes expired records (Powertools also treats them as absent before that);
 * - `in_progress_expiration` (N, epoch ms): when an INPROGRESS record may be taken over
 *   (the invocation's remaining time);
 * - `status` (S): INPROGRESS | COMPLETED; `data` (S): the JSON result kept for replays;
 *   `validation` (S): hash of the payload when payload validation is on.
 */
export const IDEMPOTENCY_TABLE_SCHEMA = {
  partitionKey: 'id',
  attributes: [{ name: 'id', type: 'S' }],
  ttlAttribute: 'expiration',
  inProgressExpiryAttribute: 'in_progress_expiration',
  statusAttribute: 'status',
  dataAttribute: 'data',
  validationAttribute: 'validation',
} as const;

export interface IdempotencyStoreConfig {
  idempotencyTable: string;
}

/**
 * The front door's idempotency store: Powertools' DynamoDB persistence layer on the
 * injected client (created once per container). A layer is configured by the first
 * `makeIdempotent` call that uses it, so give each idempotent function its own layer.
 */
export function createIdempotencyStore(config: IdempotencyStoreConfig, clients: { dynamoRaw: DynamoDBClient }): DynamoDBPersistenceLayer {
  const s = IDEMPOTENCY_TABLE_SCHEMA;
  return new DynamoDBPersistenceLayer({
    tableName: config.idempotencyTable,
    awsSdkV3Client: clients.dynamoRaw,
    keyAttr: s.partitionKey,
    expiryAttr: s.ttlAttribute,
    inProgressExpiryAttr: s.inProgressExpiryAttribute,
    statusAttr: s.statusAttribute,
    dataAttr: s.dataAttribute,
    validationKeyAttr: s.validationAttribute,
  });
}
