/**
 * ADR 0014 on DynamoDB: the application core over DynamoCatalog (row and content claim in one
 * TransactWriteItems) and Powertools' DynamoDB persistence layer, both on dynalite. A message
 * whose row was written but whose idempotency record was left in progress (the process died)
 * is answered 409 with the original id when resent, while the record blocks its key and after
 * it expired and is taken over; concurrent copies still make one row.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { createApplication } from '@hcdl/core';
import type { LogPort } from '@hcdl/lake';
import { MemoryHub, MemoryObjectStore } from '@hcdl/lake/testing';
import { createCatalogTable } from '../src/dynamodb/create-catalog-table';
import { DynamoCatalog } from '../src/dynamodb/dynamo-catalog';
import { createIdempotencyTable } from '../src/idempotency/create-idempotency-table';
import { createIdempotencyStore } from '../src/idempotency/idempotency-store';
import { startDynalite, type DynamoServer } from './support/dynalite';

const CATALOG = 'hcdl-test-crash-catalog';
const IDEMPOTENCY = 'hcdl-test-crash-idempotency';
const WRITER = { sub: 'u1', 'custom:write': 'lab' };
const errors: string[] = [];
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => void errors.push(m) } as unknown as LogPort;
const adt = (control: string): string =>
  `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^A01^ADT_A01|${control}|P|2.5\rEVN|A01|20240102030405\rPID|1||MRN-1^^^HOSP^MR||DOE^JANE||19800101|F\rPV1|1|I\r`;

let server: DynamoServer;
beforeAll(async () => {
  server = await startDynalite({ returnOldOnConditionFailure: true });
  await createCatalogTable(server.clients.dynamoRaw, CATALOG);
  await createIdempotencyTable(server.clients.dynamoRaw, IDEMPOTENCY);
});
afterAll(async () => {
  await server?.close();
});

/** One "process": its own application over the shared tables. */
function processOver(objectStore: MemoryObjectStore, options: { dieBeforeCompleting?: boolean } = {}) {
  const idempotencyStore = createIdempotencyStore({ idempotencyTable: IDEMPOTENCY }, server.clients);
  if (options.dieBeforeCompleting === true) {
    // Killed after the row's transaction, before the record's completion.
    (idempotencyStore as unknown as { _updateRecord: () => Promise<void> })._updateRecord = async () => {
      throw new Error('killed');
    };
  }
  const catalog = new DynamoCatalog(server.clients.dynamo, CATALOG);
  const app = createApplication({ objectStore, catalog, hub: new MemoryHub(), logger, idempotencyStore }, { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600 });
  return { catalog, submit: (text: string) => app.submit({ claims: WRITER, body: Buffer.from(text, 'latin1'), contentType: 'application/hl7-v2' }) };
}

async function rowsOf(catalog: DynamoCatalog, controlId: string): Promise<string[]> {
  const page = await catalog.listMessages({ source: 'lab', limit: 1000 });
  return page.items.filter((r) => r.controlId === controlId).map((r) => r.messageId);
}

describe('crash between the row and the dedup result, on DynamoDB', () => {
  it('answers the resend 409 with the original id while the record is in progress, and after its takeover', async () => {
    const objects = new MemoryObjectStore();
    await expect(processOver(objects, { dieBeforeCompleting: true }).submit(adt('DDB-CRASH'))).rejects.toThrow();
    const { catalog, submit } = processOver(objects);
    const [original] = await rowsOf(catalog, 'DDB-CRASH');
    expect(original).toBeDefined();
    expect(await catalog.getContentClaim('lab', (await catalog.getMessage(original as string))?.contentHash as string)).toMatchObject({ messageId: original });

    // Within the in-progress budget: answered from the catalog's claim at once.
    expect(await submit(adt('DDB-CRASH'))).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate', messageId: original }] });

    // After the budget: the record is taken over, the claim consulted, the record completed with the original id.
    const scan = await server.clients.dynamoRaw.send(new (await import('@aws-sdk/client-dynamodb')).ScanCommand({ TableName: IDEMPOTENCY }));
    for (const item of scan.Items ?? []) {
      await server.clients.dynamoRaw.send(
        new UpdateItemCommand({
          TableName: IDEMPOTENCY,
          Key: { id: item.id! },
          UpdateExpression: 'SET in_progress_expiration = :past',
          ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1) } },
        }),
      );
    }
    expect(await submit(adt('DDB-CRASH'))).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate', messageId: original }] });
    expect(await submit(adt('DDB-CRASH'))).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate', messageId: original }] });
    expect(await rowsOf(catalog, 'DDB-CRASH')).toEqual([original]);
    expect([...objects.objects.keys()].filter((k) => k.startsWith('raw/'))).toHaveLength(1);
  }, 60_000);

  it('makes one row of 20 concurrent copies: one 201, 19 duplicates of it', async () => {
    const { catalog, submit } = processOver(new MemoryObjectStore());
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => submit(adt('DDB-CONCURRENT'))));
    const messages = outcomes.map((o) => (o as { messages: { status: string; messageId: string }[] }).messages[0]);
    const rows = await rowsOf(catalog, 'DDB-CONCURRENT');
    expect(rows).toHaveLength(1);
    expect(messages.filter((m) => m?.status === 'ingested')).toHaveLength(1);
    expect(messages.filter((m) => m?.status === 'duplicate' && m.messageId === rows[0])).toHaveLength(19);
  }, 60_000);
});
