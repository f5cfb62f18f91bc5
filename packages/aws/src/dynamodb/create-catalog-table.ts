import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CATALOG_TABLE_SCHEMA } from './catalog-schema';
import { createTableAndWait } from './create-table';

/**
 * Creates the catalog table from CATALOG_TABLE_SCHEMA (on-demand, GSIs projecting all
 * attributes) and waits until it is ACTIVE. For tests and local DynamoDB-compatible
 * servers; deployments create the table with infra.
 */
export async function createCatalogTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const s = CATALOG_TABLE_SCHEMA;
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
