/**
 * The TransactWriteItems the dynalite test server adds (support/dynalite-transactions.cjs),
 * held to DynamoDB's answers: the adapters' transaction tests are only as good as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createTableAndWait } from '../src/dynamodb/create-table';
import { startDynalite, type DynamoServer } from './support/dynalite';

const TABLE = 'hcdl-test-transactions';
const OTHER = 'hcdl-test-transactions-other';

let server: DynamoServer;
let tag = 0;
/** Keys no other test uses (the tables are shared by the file's tests). */
const fresh = (name: string): string => `${name}-${String(++tag)}`;

beforeAll(async () => {
  server = await startDynalite();
  const keyed = (TableName: string) =>
    createTableAndWait(server.clients.dynamoRaw, {
      TableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
  await Promise.all([keyed(TABLE), keyed(OTHER)]);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const get = async (pk: string, TableName = TABLE) => (await server.clients.dynamo.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }))).Item;
const put = (Item: Record<string, unknown>, TableName = TABLE) => server.clients.dynamo.send(new PutCommand({ TableName, Item }));
const byG = async (g: string) =>
  (
    (
      await server.clients.dynamo.send(
        new QueryCommand({ TableName: TABLE, IndexName: 'by-g', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': g } }),
      )
    ).Items ?? []
  )
    .map((i) => String(i.pk))
    .sort();
const transact = (TransactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>) =>
  server.clients.dynamo.send(new TransactWriteCommand({ TransactItems }));
const cancelled = async (p: Promise<unknown>): Promise<TransactionCanceledException> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransactionCanceledException);
  return err as TransactionCanceledException;
};

describe('dynalite TransactWriteItems', () => {
  it('applies Put, Update, Delete and ConditionCheck together, across tables, indexes included', async () => {
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(fresh) as [string, string, string, string, string];
    const g = fresh('g');
    await Promise.all([put({ pk: b, n: 1, g }), put({ pk: c, g }), put({ pk: d, state: 'open' }, OTHER)]);
    await transact([
      { Put: { TableName: TABLE, Item: { pk: a, g }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: b },
          UpdateExpression: 'ADD n :one REMOVE g',
          ConditionExpression: 'n = :n',
          ExpressionAttributeValues: { ':one': 1, ':n': 1 },
        },
      },
      { Delete: { TableName: TABLE, Key: { pk: c }, ConditionExpression: 'attribute_exists(pk)' } },
      {
        ConditionCheck: {
          TableName: OTHER,
          Key: { pk: d },
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':open': 'open' },
        },
      },
      { Update: { TableName: OTHER, Key: { pk: e }, UpdateExpression: 'SET v = if_not_exists(v, :zero)', ExpressionAttributeValues: { ':zero': 0 } } },
    ]);
    expect(await get(a)).toEqual({ pk: a, g });
    expect(await get(b)).toEqual({ pk: b, n: 2 });
    expect(await get(c)).toBeUndefined();
    expect(await get(d, OTHER)).toEqual({ pk: d, state: 'open' });
    expect(await get(e, OTHER)).toEqual({ pk: e, v: 0 });
    // The index follows: a joined it, b left it (its g removed), c left it (deleted).
    expect(await byG(g)).toEqual([a]);
  }, 30_000);

  it('writes nothing when one condition fails, and names the failed item with its stored value on ALL_OLD', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(fresh) as [string, string, string, string];
    await Promise.all([put({ pk: b, n: 5 }), put({ pk: c, keep: true }), put({ pk: d, locked: true })]);
    const err = await cancelled(
      transact([
        { Put: { TableName: TABLE, Item: { pk: a, g: 'new' } } },
        { Update: { TableName: TABLE, Key: { pk: b }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 6 } } },
        { Delete: { TableName: TABLE, Key: { pk: c } } },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: { pk: d },
            ConditionExpression: 'attribute_not_exists(locked)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]),
    );
    expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'None', 'None', 'ConditionalCheckFailed']);
    expect(err.CancellationReasons?.[3]?.Item).toEqual({ pk: { S: d }, locked: { BOOL: true } });
    expect(err.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, None, ConditionalCheckFailed]');
    expect(await get(a)).toBeUndefined();
    expect(await get(b)).toEqual({ pk: b, n: 5 });
    expect(await get(c)).toEqual({ pk: c, keep: true });
    expect(await byG('new')).toEqual([]);
  }, 30_000);

  it('gives every failed item its reason, with no Item unless asked or when the item is absent', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(fresh) as [string, string, string];
    await put({ pk: a, v: 1 });
    const err = await cancelled(
      transact([
        { Put: { TableName: TABLE, Item: { pk: a, v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: TABLE, Item: { pk: b }, ConditionExpression: 'attribute_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        { Put: { TableName: TABLE, Item: { pk: c } } },
      ]),
    );
    expect(err.CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'None' },
    ]);
    expect(await get(a)).toEqual({ pk: a, v: 1 });
    expect(await get(c)).toBeUndefined();
  }, 30_000);

  it('cancels an update the stored item cannot take as a ValidationError of that item', async () => {
    const [a, b] = ['a', 'b'].map(fresh) as [string, string];
    await put({ pk: a, n: 'text' });
    const err = await cancelled(
      transact([
        { Put: { TableName: TABLE, Item: { pk: b } } },
        { Update: { TableName: TABLE, Key: { pk: a }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
      ]),
    );
    expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ValidationError']);
    expect(await get(b)).toBeUndefined();
    expect(await get(a)).toEqual({ pk: a, n: 'text' });
  }, 30_000);

  it('refuses malformed requests whole: two operations on one item, no operation, a missing key attribute', async () => {
    const a = fresh('a');
    await expect(transact([{ Put: { TableName: TABLE, Item: { pk: a } } }, { Delete: { TableName: TABLE, Key: { pk: a } } }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Transaction request cannot include multiple operations on one item',
    });
    await expect(transact([{}])).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(transact([{ Put: { TableName: TABLE, Item: { pk: fresh('b') } } }, { Put: { TableName: TABLE, Item: { g: 'x' } } }])).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      transact([{ ConditionCheck: { TableName: 'hcdl-test-no-such-table', Key: { pk: a }, ConditionExpression: 'attribute_exists(pk)' } }]),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await get(a)).toBeUndefined();
  }, 30_000);

  it('runs concurrent transactions on shared items one after another: no lost update, one winner of a race', async () => {
    const [x, y, claim] = ['x', 'y', 'claim'].map(fresh) as [string, string, string];
    const add = (i: number) =>
      transact([
        {
          Update: {
            TableName: TABLE,
            Key: { pk: x },
            UpdateExpression: 'ADD n :one, seen :me',
            ExpressionAttributeValues: { ':one': 1, ':me': new Set([`t${String(i)}`]) },
          },
        },
        { Update: { TableName: OTHER, Key: { pk: y }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
      ]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => add(i)));
    expect((await get(x))?.n).toBe(20);
    expect(((await get(x))?.seen as Set<string>).size).toBe(20);
    expect((await get(y, OTHER))?.n).toBe(20);
    const race = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        transact([
          { Put: { TableName: TABLE, Item: { pk: claim, by: i }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Update: { TableName: OTHER, Key: { pk: claim }, UpdateExpression: 'ADD wins :one', ExpressionAttributeValues: { ':one': 1 } } },
        ]),
      ),
    );
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(race.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof TransactionCanceledException)).toBe(true);
    expect((await get(claim, OTHER))?.wins).toBe(1);
  }, 60_000);

  it('answers a resent request (same ClientRequestToken) without running it again', async () => {
    const a = fresh('a');
    const request = {
      ClientRequestToken: fresh('token'),
      TransactItems: [{ Update: { TableName: TABLE, Key: { pk: a }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } }],
    };
    await server.clients.dynamo.send(new TransactWriteCommand(request));
    await server.clients.dynamo.send(new TransactWriteCommand(request));
    expect((await get(a))?.n).toBe(1);
    await expect(
      server.clients.dynamo.send(new TransactWriteCommand({ ...request, TransactItems: [{ Delete: { TableName: TABLE, Key: { pk: a } } }] })),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
    expect((await get(a))?.n).toBe(1);
  }, 30_000);

  it('reports consumed capacity per table at twice the units of plain writes', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(fresh) as [string, string, string];
    const out = await server.clients.dynamo.send(
      new TransactWriteCommand({
        ReturnConsumedCapacity: 'TOTAL',
        TransactItems: [
          { Put: { TableName: TABLE, Item: { pk: a, big: 'x'.repeat(1500) } } },
          { Put: { TableName: TABLE, Item: { pk: b } } },
          { Put: { TableName: OTHER, Item: { pk: c } } },
        ],
      }),
    );
    // a is 2 KB started (2 units), b and c 1 each; doubled for the transaction.
    expect(out.ConsumedCapacity?.map((x) => [x.TableName, x.CapacityUnits]).sort()).toEqual([
      [TABLE, 6],
      [OTHER, 2],
    ]);
  }, 30_000);
});
