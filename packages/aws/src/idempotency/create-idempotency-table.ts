import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableAndWait } from '../dynamodb/create-table';
import { IDEMPOTENCY_TABLE_SCHEMA } from './idempotency-store';

/**
 * Creates the idempotency table (on-demand) and waits until it is ACTIVE. For tests and
 * local DynamoDB-compatible servers; deployments create it with infra (TTL on `expiration`).
 */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const s = IDEMPOTENCY_TABLE_SCHEMA;
  await createTableAndWait(client, {
    TableName: tableName,
    AttributeDefinitions: s.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [{ AttributeName: s.partitionKey, KeyType: 'HASH' }],
  });
}
