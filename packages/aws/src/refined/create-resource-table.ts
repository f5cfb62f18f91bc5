import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableAndWait } from '../dynamodb/create-table';
import { RESOURCE_TABLE_SCHEMA } from './resource-schema';

/**
 * Creates the resource table from RESOURCE_TABLE_SCHEMA (on-demand, GSIs projecting all
 * attributes) and waits until it is ACTIVE. For tests and local DynamoDB-compatible servers;
 * deployments create it with infra (the refined stack).
 */
export async function createResourceTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const s = RESOURCE_TABLE_SCHEMA;
  await createTableAndWait(client, {
    TableName: tableName,
    AttributeDefinitions: s.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: s.partitionKey, KeyType: 'HASH' },
      { AttributeName: s.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: s.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' },
        { AttributeName: g.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  });
}
