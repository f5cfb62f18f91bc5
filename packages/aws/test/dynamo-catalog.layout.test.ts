import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PatientIdentifierRecord, PatientLinkRecord, PatientMergeRecord } from '@hcdl/lake';
import { errorRecord, messageRecord, T0, uniqueTag } from '@hcdl/lake/testing';
import { CATALOG_TABLE_SCHEMA } from '../src/dynamodb/catalog-schema';
import { createCatalogTable } from '../src/dynamodb/create-catalog-table';
import { DynamoCatalog } from '../src/dynamodb/dynamo-catalog';
import { identifierKey, linkKey, mergeKey, messageKey } from '../src/dynamodb/items';
import { ID_TIME_MARGIN_MS, planMessageQuery } from '../src/dynamodb/message-query';
import { startDynalite, type DynamoServer } from './support/dynalite';

// The single-table layout of DynamoCatalog, read back raw from dynalite: what infra's table
// must support and what the contract suite cannot see (GSI keys, copies, repair).
const TABLE = 'hcdl-test-catalog-layout';
let server: DynamoServer;
let catalog: DynamoCatalog;
const raw = async (key: { pk: string; sk: string }) =>
  (await server.clients.dynamo.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;

beforeAll(async () => {
  server = await startDynalite();
  await createCatalogTable(server.clients.dynamoRaw, TABLE);
  catalog = new DynamoCatalog(server.clients.dynamo, TABLE);
});

afterAll(async () => {
  await server?.close();
});

describe('catalog table schema', () => {
  it('declares every key attribute it indexes, each GSI with a sort key', () => {
    const declared = new Set(CATALOG_TABLE_SCHEMA.attributes.map((a) => a.name));
    expect(declared.has(CATALOG_TABLE_SCHEMA.partitionKey) && declared.has(CATALOG_TABLE_SCHEMA.sortKey)).toBe(true);
    for (const g of CATALOG_TABLE_SCHEMA.globalSecondaryIndexes) {
      expect(declared.has(g.partitionKey)).toBe(true);
      expect(declared.has(g.sortKey)).toBe(true);
    }
    expect(declared.size).toBe(2 + 2 * CATALOG_TABLE_SCHEMA.globalSecondaryIndexes.length);
  });
});

describe('message items', () => {
  it('are keyed by id and indexed by source, status and (when set) patient, each in id order', async () => {
    const r = messageRecord(uniqueTag('src-'), T0);
    await catalog.putMessage(r);
    expect(await raw(messageKey(r.messageId))).toMatchObject({
      pk: `MSG#${r.messageId}`,
      sk: 'MSG',
      gsi1pk: `MSG#${r.source}`,
      gsi1sk: r.messageId,
      gsi2pk: 'MSG#ingested',
      gsi2sk: r.messageId,
    });
    expect(await raw(messageKey(r.messageId))).not.toHaveProperty('gsi3pk');

    await catalog.updateMessage(r.messageId, { status: 'staged', patientId: 'pat-1' }, 'ingested');
    expect(await raw(messageKey(r.messageId))).toMatchObject({ gsi2pk: 'MSG#staged', gsi3pk: 'MSG#pat-1', gsi3sk: r.messageId });

    const removed = await catalog.updateMessage(r.messageId, { patientId: undefined });
    expect(removed).not.toHaveProperty('patientId');
    const item = await raw(messageKey(r.messageId));
    expect(item).not.toHaveProperty('gsi3pk');
    expect(item).not.toHaveProperty('gsi3sk');
  });

  it('keeps required fields when a patch passes them as undefined', async () => {
    const r = messageRecord(uniqueTag('src-'), T0, { messageType: 'ADT^A01' });
    await catalog.putMessage(r);
    const next = await catalog.updateMessage(r.messageId, { status: undefined, attempts: undefined, messageType: undefined } as never);
    expect(next.status).toBe('ingested');
    expect(next.attempts).toBe(0);
    expect(next).not.toHaveProperty('messageType');
    expect((await catalog.listMessages({ source: r.source, status: 'ingested' })).items).toEqual([next]);
  });
});

describe('time-bounded listings', () => {
  const id = messageRecord('s', T0).messageId;

  it('read only the id range of the period (widened by the margin) on the GSI', () => {
    const since = new Date(T0).toISOString();
    const until = new Date(T0 + 1000).toISOString();
    const plan = planMessageQuery({ source: 's', since, until }, undefined);
    const range = plan.partitions[0]?.between;
    const lower = messageRecord('s', T0 - ID_TIME_MARGIN_MS).messageId.slice(0, 10);
    const upper = messageRecord('s', T0 + 1000 + ID_TIME_MARGIN_MS).messageId.slice(0, 10);
    expect(range).toEqual({ from: `${lower}${'0'.repeat(16)}`, to: `${upper}${'Z'.repeat(16)}` });
    expect(plan.filter?.expression).toBe('#f0 >= :f0 AND #f1 < :f1');
  });

  it('filter by control id (MSH-10) with an expression on the source index', () => {
    const plan = planMessageQuery({ source: 's', controlId: 'MSG00001' }, undefined);
    expect(plan.partitions.map((p) => p.index)).toEqual([planMessageQuery({ source: 's' }, undefined).partitions[0]?.index]);
    expect(plan.filter).toEqual({ expression: '#f0 = :f0', names: { '#f0': 'controlId' }, values: { ':f0': 'MSG00001' } });
  });

  it('start right after the cursor when it is inside the range', () => {
    const plan = planMessageQuery({ source: 's', since: new Date(T0 - 5000).toISOString() }, id);
    expect(plan.partitions[0]?.between).toEqual({ from: `${id}0` });
    expect(planMessageQuery({ source: 's' }, id).partitions[0]).toMatchObject({ after: id });
  });
});

describe('error items', () => {
  it('carry the source of their message (listed by source) and stay listed by message when the message is unknown', async () => {
    const known = messageRecord(uniqueTag('src-'), T0);
    await catalog.putMessage(known);
    const orphan = messageRecord(known.source, T0 + 1).messageId;
    await catalog.putErrors([errorRecord(known.messageId, 1, 'A', new Date(T0).toISOString()), errorRecord(orphan, 1, 'B', new Date(T0).toISOString())]);
    expect((await catalog.listErrors({ source: known.source })).items.map((e) => e.code)).toEqual(['A']);
    expect((await catalog.listErrors({ messageId: orphan })).items.map((e) => e.code)).toEqual(['B']);
  });
});

describe('patient index copies', () => {
  const at = new Date(T0).toISOString();

  it('repairs a missing patient -> identifier copy on the next put of the identifier (crash between the two writes)', async () => {
    const row: PatientIdentifierRecord = {
      identifier: `H#MR#${uniqueTag()}`,
      patientId: uniqueTag('pat-'),
      source: 'lab',
      firstSeenMessageId: 'm',
      firstSeenAt: at,
    };
    await server.clients.dynamo.send(new PutCommand({ TableName: TABLE, Item: { ...row, ...identifierKey(row.identifier), kind: 'identifier' } }));
    expect(await catalog.listIdentifiersOfPatient(row.patientId)).toEqual([]);
    await catalog.putPatientIdentifiers([{ ...row, patientId: uniqueTag('pat-') }]);
    expect(await catalog.listIdentifiersOfPatient(row.patientId)).toEqual([row]);
  });

  it('repairs a missing link copy and a missing survivor copy of a merge the same way', async () => {
    const [a, b] = [uniqueTag('pat-a'), uniqueTag('pat-b')].sort() as [string, string];
    const link: PatientLinkRecord = { patientId: b, linkedPatientId: a, messageId: 'm1', source: 'lab', at };
    await server.clients.dynamo.send(new PutCommand({ TableName: TABLE, Item: { ...link, ...linkKey(a, b), kind: 'link' } }));
    expect(await catalog.listPatientLinks(b)).toEqual([]);
    await catalog.putPatientLink({ ...link, messageId: 'm2' });
    expect(await catalog.listPatientLinks(b)).toEqual([link]);
    expect(await catalog.listPatientLinks(a)).toEqual([link]);

    const merge: PatientMergeRecord = {
      mergedPatientId: uniqueTag('pat-m'),
      survivorPatientId: uniqueTag('pat-s'),
      messageId: 'm3',
      messageType: 'ADT^A40',
      source: 'lab',
      priorIdentifiers: [],
      at,
    };
    await server.clients.dynamo.send(new PutCommand({ TableName: TABLE, Item: { ...merge, ...mergeKey(merge.mergedPatientId), kind: 'merge' } }));
    expect(await catalog.listPatientMerges(merge.survivorPatientId)).toEqual([]);
    await catalog.putPatientMerge({ ...merge, survivorPatientId: uniqueTag('pat-other'), messageId: 'm4' });
    expect(await catalog.listPatientMerges(merge.survivorPatientId)).toEqual([merge]);
    expect(await catalog.getPatientMerge(merge.mergedPatientId)).toEqual(merge);
  });
});
