import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { eventIdOf, ResourceChange } from '@hcdl/lake';
import { resourceStoreContract, uniqueTag, versionFixture } from '@hcdl/lake/testing';
import { createResourceTable } from '../src/refined/create-resource-table';
import { DynamoResourceStore } from '../src/refined/dynamo-resource-store';
import { startDynalite, type DynamoServer } from './support/dynalite';

// The shared ResourceStore contract against the DynamoDB adapter talking HTTP to dynalite,
// with TransactWriteItems served by support/dynalite-transactions.cjs (dynalite has none):
// the optimistic-concurrency conditions are evaluated by the server.
const TABLE = 'hcdl-test-resources';

let server: DynamoServer;

beforeAll(async () => {
  server = await startDynalite();
  await createResourceTable(server.clients.dynamoRaw, TABLE);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

resourceStoreContract('DynamoResourceStore (dynalite)', async () => ({ store: new DynamoResourceStore(server.clients.dynamo, TABLE) }));

describe('resource table items', () => {
  const itemsOf = async (resourceType: string, id: string) =>
    (
      await server.clients.dynamo.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `R#${resourceType}/${id}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];

  it('writes head, version, outbox entry and source together, and nothing of a refused commit', async () => {
    const store = new DynamoResourceStore(server.clients.dynamo, TABLE);
    const id = uniqueTag('p');
    await store.commit({ version: versionFixture('Patient', id, 1, { source: 'north' }), search: { tokens: { identifier: ['V:1'] } } });
    expect((await itemsOf('Patient', id)).map((i) => i.sk)).toEqual(['HEAD', 'O#000000000000001', 'S#north', 'V#000000000000001']);
    // version 3 does not follow 1: the head's condition fails and the transaction writes none of its items
    await expect(store.commit({ version: versionFixture('Patient', id, 3, { source: 'south' }), search: {} })).rejects.toMatchObject({
      name: 'ResourceConflictError',
    });
    expect((await itemsOf('Patient', id)).map((i) => i.sk)).toEqual(['HEAD', 'O#000000000000001', 'S#north', 'V#000000000000001']);
    await store.markPublished([eventIdOf({ resourceType: 'Patient', id, versionId: 1 })]);
    expect((await itemsOf('Patient', id)).map((i) => i.sk)).toEqual(['HEAD', 'S#north', 'V#000000000000001']);
  });

  it('takes a deleted resource out of the current index (search never reads it)', async () => {
    const store = new DynamoResourceStore(server.clients.dynamo, TABLE);
    const id = uniqueTag('e');
    await store.commit({ version: versionFixture('Encounter', id, 1), search: {} });
    expect((await itemsOf('Encounter', id)).find((i) => i.sk === 'HEAD')).toMatchObject({ cur: 'current', ck: `Encounter/${id}` });
    await store.commit({ version: versionFixture('Encounter', id, 2, { change: ResourceChange.Delete }), search: {} });
    const head = (await itemsOf('Encounter', id)).find((i) => i.sk === 'HEAD');
    expect(head?.cur).toBeUndefined();
    expect(head?.v).toBe(2);
  });
});
