import { DynamodbTable, type DynamodbTableConfig } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Construct } from 'constructs';
import { CATALOG_TABLE_SCHEMA } from '@hcdl/aws/catalog-schema';

type TableSettings = Pick<DynamodbTableConfig, 'name' | 'billingMode' | 'pointInTimeRecovery' | 'serverSideEncryption' | 'deletionProtectionEnabled'>;

/** The catalog table, with the keys and GSIs the DynamoDB catalog adapter declares. */
export function createCatalogTable(scope: Construct, id: string, settings: TableSettings): DynamodbTable {
  const schema = CATALOG_TABLE_SCHEMA;
  // The schema declares a TTL attribute only if catalog items ever expire (today they do not).
  const ttlAttribute = (schema as { ttlAttribute?: string }).ttlAttribute;
  return new DynamodbTable(scope, id, {
    ...settings,
    hashKey: schema.partitionKey,
    rangeKey: schema.sortKey,
    attribute: schema.attributes.map((a) => ({ name: a.name, type: a.type })),
    globalSecondaryIndex: schema.globalSecondaryIndexes.map((gsi) => ({
      name: gsi.indexName,
      hashKey: gsi.partitionKey,
      ...(gsi.sortKey !== undefined ? { rangeKey: gsi.sortKey } : {}),
      projectionType: 'ALL',
    })),
    ...(ttlAttribute !== undefined ? { ttl: { enabled: true, attributeName: ttlAttribute } } : {}),
  });
}
