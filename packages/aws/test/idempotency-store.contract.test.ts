import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { idempotencyContract, uniqueTag } from '@hcdl/lake/testing';
import { createIdempotencyTable } from '../src/idempotency/create-idempotency-table';
import { createIdempotencyStore, IDEMPOTENCY_TABLE_SCHEMA } from '../src/idempotency/idempotency-store';
import { startDynalite, type DynamoServer } from './support/dynalite';

// The shared idempotency contract against Powertools' DynamoDBPersistenceLayer talking HTTP
// to dynalite: the conditional put (`attribute_not_exists(id) OR expiration < now ...`) is
// evaluated by the server. dynalite lacks two DynamoDB features: it ignores
// ReturnValuesOnConditionCheckFailure (added in support/dynalite-process.cjs)
// and never deletes expired items (no TTL sweeper), so the TTL attribute is checked on the
// stored item and expiry through Powertools' own check in the contract.
const TABLE = 'hcdl-test-idempotency';

let server: DynamoServer;

beforeAll(async () => {
  server = await startDynalite({ returnOldOnConditionFailure: true });
  await createIdempotencyTable(server.clients.dynamoRaw, TABLE);
  // Warm the connection and the conflict path once (and check the ALL_OLD item comes back): the concurrency test
  // gives the losing calls 100 ms to see the winner in progress.
  const warm = {
    TableName: TABLE,
    Item: { id: { S: 'warm-up' } },
    ConditionExpression: 'attribute_not_exists(id)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  await server.clients.dynamoRaw.send(new PutItemCommand(warm));
  await expect(server.clients.dynamoRaw.send(new PutItemCommand(warm))).rejects.toMatchObject({
    name: 'ConditionalCheckFailedException',
    Item: { id: { S: 'warm-up' } },
  });
});

afterAll(async () => {
  await server?.close();
});

idempotencyContract('DynamoDBPersistenceLayer (dynalite)', async () => ({ store: createIdempotencyStore({ idempotencyTable: TABLE }, server.clients) }));

describe('idempotency table items', () => {
  it('writes the record under `id` with the TTL attribute `expiration` in epoch seconds at the end of the window', async () => {
    const store = createIdempotencyStore({ idempotencyTable: TABLE }, server.clients);
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'dedupKey', expiresAfterSeconds: 3600 });
    config.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 } as Parameters<IdempotencyConfig['registerLambdaContext']>[0]);
    const work = makeIdempotent(async (input: { dedupKey: string }) => ({ messageId: `m-${input.dedupKey}` }), {
      persistenceStore: store,
      config,
      keyPrefix: 'hcdl-test',
    });
    const dedupKey = uniqueTag('k-');
    const before = Math.floor(Date.now() / 1000);
    expect(await work({ dedupKey })).toEqual({ messageId: `m-${dedupKey}` });

    // Powertools keys records `<key prefix>#<base64 md5 of the JSON idempotency key>`.
    const id = `hcdl-test#${createHash('md5').update(JSON.stringify(dedupKey)).digest('base64')}`;
    const { Item } = await server.clients.dynamoRaw.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }));
    expect(Item?.[IDEMPOTENCY_TABLE_SCHEMA.ttlAttribute]?.N).toBeDefined();
    const record = unmarshall(Item ?? {});
    expect(record[IDEMPOTENCY_TABLE_SCHEMA.statusAttribute]).toBe('COMPLETED');
    expect(record[IDEMPOTENCY_TABLE_SCHEMA.dataAttribute]).toEqual({ messageId: `m-${dedupKey}` });
    const expiration = Number(record[IDEMPOTENCY_TABLE_SCHEMA.ttlAttribute]);
    expect(expiration).toBeGreaterThanOrEqual(before + 3600);
    // Powertools rounds the instant up to the next whole second.
    expect(expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3601);
  });
});
