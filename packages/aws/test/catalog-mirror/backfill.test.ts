/**
 * The catalog mirror's links and merges, and its backfill (`hcdl mirror backfill`), on the AWS
 * adapters against dynalite and s3rver: a catalog filled without the mirror, backfilled, holds
 * exactly the files the live mirror writes for the same history.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Catalog, type MessageRecord, MessageStatus } from '@hcdl/lake';
import { errorRecord, messageRecord, T0 } from '@hcdl/lake/testing';
import { createAwsClients, destroyAwsClients } from '../../src/clients';
import {
  backfillCatalogMirror,
  createCatalogTable,
  DynamoCatalog,
  MirroredCatalog,
  patientConflictsMirrorKey,
  patientLinkMirrorKey,
  patientMergeMirrorKey,
  S3ObjectStore,
} from '../../src/index';
import { startDynalite, TEST_CREDENTIALS, TEST_REGION, type DynamoServer } from '../support/dynalite';
import { startS3rver, type S3Server } from '../support/s3rver';

const BUCKETS = { live: 'hcdl-mirror-live', backfill: 'hcdl-mirror-backfill' };
const TABLES = { live: 'hcdl-mirror-live', plain: 'hcdl-mirror-plain' };
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const staged = messageRecord('clinic-a', T0, { messageType: 'ADT^A01' });
const refused = messageRecord('clinic-a', T0 + 1000, { messageType: 'ORU^R01' });
const merge = messageRecord('clinic-b', T0 + 2000, { messageType: 'ADT^A40' });
const waiting = messageRecord('clinic-b', T0 + 3000);

/** One history of a lake: staged and refused messages, a replay, identifiers, a link, a merge, a conflict, and a row still waiting. */
async function history(catalog: Catalog): Promise<MessageRecord[]> {
  for (const m of [staged, refused, merge, waiting]) await catalog.putMessage(m);
  await catalog.putPatientIdentifiers([
    { identifier: 'HOSP#MR#1', patientId: 'pat_A', source: 'clinic-a', firstSeenMessageId: staged.messageId, firstSeenAt: at(1) },
    { identifier: 'HOSP#MR#2', patientId: 'pat_B', source: 'clinic-b', firstSeenMessageId: merge.messageId, firstSeenAt: at(2) },
  ]);
  await catalog.putPatientLink({ patientId: 'pat_A', linkedPatientId: 'pat_B', messageId: staged.messageId, source: 'clinic-a', at: at(1) });
  await catalog.updateMessage(staged.messageId, { status: MessageStatus.Staged, attempts: 1, patientId: 'pat_A', updatedAt: at(1) }, MessageStatus.Ingested);
  await catalog.putErrors([errorRecord(refused.messageId, 1, 'SEGMENT_UNKNOWN', at(1))]);
  await catalog.updateMessage(refused.messageId, { status: MessageStatus.Error, attempts: 1, updatedAt: at(1) }, MessageStatus.Ingested);
  // replayed and refused again: a second attempt's diagnostics
  await catalog.updateMessage(refused.messageId, { status: MessageStatus.Ingested, updatedAt: at(3) }, MessageStatus.Error);
  await catalog.putErrors([errorRecord(refused.messageId, 2, 'FIELD_REQUIRED', at(4))]);
  await catalog.updateMessage(refused.messageId, { status: MessageStatus.Error, attempts: 2, updatedAt: at(4) }, MessageStatus.Ingested);
  await catalog.putPatientMerge({
    mergedPatientId: 'pat_B',
    survivorPatientId: 'pat_A',
    messageId: merge.messageId,
    messageType: 'ADT^A40',
    source: 'clinic-b',
    priorIdentifiers: ['HOSP#MR#2'],
    at: at(5),
  });
  await catalog.putPatientConflict({
    patientId: 'pat_A',
    conflictingPatientId: 'pat_B',
    identifier: 'HOSP#MR#1',
    source: 'clinic-b',
    otherSource: 'clinic-a',
    fields: ['birthDate'],
    messageId: merge.messageId,
    at: at(5),
  });
  await catalog.updateMessage(merge.messageId, { status: MessageStatus.Staged, attempts: 1, patientId: 'pat_B', updatedAt: at(5) }, MessageStatus.Ingested);
  return [staged, refused, merge, waiting];
}

describe('catalog mirror: links, merges and the backfill', () => {
  let s3: S3Server;
  let dynamo: DynamoServer;
  let clients: ReturnType<typeof createAwsClients>;
  const store = (bucket: string) => new S3ObjectStore(clients.s3, { bucket });
  const files = async (bucket: string): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for await (const key of store(bucket).list('catalog/')) out.set(key, Buffer.from((await store(bucket).get(key))!.body).toString('utf8'));
    return out;
  };

  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3rver(Object.values(BUCKETS)), startDynalite()]);
    clients = createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { s3: s3.endpoint, dynamodb: dynamo.endpoint } });
    for (const table of Object.values(TABLES)) await createCatalogTable(clients.dynamoRaw, table);
  }, 120_000);
  afterAll(async () => {
    destroyAwsClients(clients);
    await Promise.allSettled([s3?.close(), dynamo?.close()]);
  });

  it('the live mirror writes links and merges as the catalog keeps them', async () => {
    await history(new MirroredCatalog(new DynamoCatalog(clients.dynamo, TABLES.live), store(BUCKETS.live)));
    const live = await files(BUCKETS.live);
    expect(JSON.parse(live.get(patientLinkMirrorKey('pat_A', 'pat_B')) ?? '{}')).toMatchObject({
      patient_id: 'pat_A',
      linked_patient_id: 'pat_B',
      source: 'clinic-a',
    });
    expect(JSON.parse(live.get(patientMergeMirrorKey('pat_B')) ?? '{}')).toMatchObject({
      merged_patient_id: 'pat_B',
      survivor_patient_id: 'pat_A',
      prior_identifiers: ['HOSP#MR#2'],
    });
    expect(
      live
        .get(patientConflictsMirrorKey('pat_B', merge.messageId))
        ?.trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        patient_id: 'pat_A',
        conflicting_patient_id: 'pat_B',
        identifier: 'HOSP#MR#1',
        source: 'clinic-b',
        other_source: 'clinic-a',
        fields: ['birthDate'],
        message_id: merge.messageId,
        at: at(5),
      },
    ]);
  });

  it('a catalog filled without the mirror, backfilled, holds exactly the files the live mirror wrote; again, the same', async () => {
    const plain = new DynamoCatalog(clients.dynamo, TABLES.plain);
    await history(plain);
    expect((await files(BUCKETS.backfill)).size).toBe(0);

    const dry = await backfillCatalogMirror(plain, store(BUCKETS.backfill), { dryRun: true });
    expect((await files(BUCKETS.backfill)).size).toBe(0);
    const progress: number[] = [];
    const counts = await backfillCatalogMirror(plain, store(BUCKETS.backfill), { onProgress: (c) => progress.push(c.messages) });
    expect(counts).toEqual(dry);
    expect(counts).toEqual({ messages: 3, errorFiles: 2, patients: 2, identifierFiles: 2, links: 2, merges: 2, conflictFiles: 1, skippedWaiting: 1 });
    expect(progress.at(-1)).toBe(3);

    const live = await files(BUCKETS.live);
    const backfilled = await files(BUCKETS.backfill);
    expect([...backfilled.keys()].sort()).toEqual([...live.keys()].sort());
    for (const [key, text] of backfilled) expect([key, text]).toEqual([key, live.get(key)]);

    expect(await backfillCatalogMirror(plain, store(BUCKETS.backfill))).toEqual(counts);
    expect(await files(BUCKETS.backfill)).toEqual(backfilled);
  });

  it('can be limited to sources and to a period', async () => {
    const plain = new DynamoCatalog(clients.dynamo, TABLES.plain);
    expect(await backfillCatalogMirror(plain, store(BUCKETS.backfill), { sources: ['clinic-b'], dryRun: true })).toMatchObject({
      messages: 1,
      skippedWaiting: 1,
    });
    expect(await backfillCatalogMirror(plain, store(BUCKETS.backfill), { since: new Date(T0 + 1500).toISOString(), dryRun: true })).toMatchObject({
      messages: 1,
    });
  });
});
