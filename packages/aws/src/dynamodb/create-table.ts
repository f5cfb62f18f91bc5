import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsAdapterError } from '../errors';

const POLLS = 200;
const POLL_MS = 50;

/**
 * Creates an on-demand table and waits until it and its GSIs are ACTIVE. For tests and
 * local DynamoDB-compatible servers; deployments create tables with infra.
 */
export async function createTableAndWait(client: DynamoDBClient, input: Omit<CreateTableCommandInput, 'BillingMode'>): Promise<void> {
  await client.send(new CreateTableCommand({ ...input, BillingMode: 'PAY_PER_REQUEST' }));
  for (let i = 0; i < POLLS; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === undefined || g.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesReady) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new AwsAdapterError(`table ${String(input.TableName)} did not become ACTIVE`);
}
