import { DynamodbTable, type DynamodbTableConfig } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Construct } from 'constructs';
import { RESOURCE_TABLE_SCHEMA } from '@hcdl/aws/resource-schema';

type TableSettings = Pick<DynamodbTableConfig, 'name' | 'billingMode' | 'pointInTimeRecovery' | 'serverSideEncryption' | 'deletionProtectionEnabled'>;

/** The refined zone's resource table (ADR 0011), with the keys and GSIs the DynamoDB resource store declares. */
export function createResourceTable(scope: Construct, id: string, settings: TableSettings): DynamodbTable {
  const schema = RESOURCE_TABLE_SCHEMA;
  return new DynamodbTable(scope, id, {
    ...settings,
    hashKey: schema.partitionKey,
    rangeKey: schema.sortKey,
    attribute: schema.attributes.map((a) => ({ name: a.name, type: a.type })),
    globalSecondaryIndex: schema.globalSecondaryIndexes.map((g) => ({
      name: g.indexName,
      hashKey: g.partitionKey,
      rangeKey: g.sortKey,
      projectionType: 'ALL',
    })),
  });
}
