/**
 * Ingest of authorized bytes shared by every path: batches ingested with bounded concurrency
 * in file order, a cap on the messages of one request (the upload path has none), landed files
 * (uploads, file drops) with their id as the batch id of every message and a report kept once.
 */
import { describe, expect, it } from '@jest/globals';
import { MessageStatus, newMessageId, rawBatchKey } from '@hcdl/lake';
import { MemoryPersistenceLayer } from '@hcdl/lake/testing';
import { batchReportKey, createDedup, createMessageIngest, type BatchReport } from '../../src/index';
import { adt, recordingLogger, testApp } from '../support';

const batchOf = (n: number, prefix = 'B'): string =>
  `FHS|^~\\&\rBHS|^~\\&\r${Array.from({ length: n }, (_, i) => adt(`${prefix}${i + 1}`, `MRN-${prefix}${i}`)).join('')}BTS|${n}\rFTS|1\r`;

function ingestOn(t: ReturnType<typeof testApp>, options: { concurrency?: number; maxMessages?: number } = {}) {
  return createMessageIngest({ writer: t.app.writer, dedup: createDedup(t.idempotencyStore, 3600), logger: recordingLogger(), ...options });
}

async function reportOf(t: ReturnType<typeof testApp>, source: string, batchId: string): Promise<BatchReport> {
  const o = await t.objectStore.get(batchReportKey(source, batchId));
  return JSON.parse(Buffer.from(o!.body).toString('utf8')) as BatchReport;
}

describe('ingest of a batch', () => {
  it('ingests with bounded concurrency and answers in file order, each message once', async () => {
    const t = testApp();
    let active = 0;
    let peak = 0;
    const ingest = t.app.writer.ingest;
    const writer = {
      ...t.app.writer,
      ingest: async (input: Parameters<typeof ingest>[0]) => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setImmediate(r));
        try {
          return await ingest(input);
        } finally {
          active--;
        }
      },
    };
    const run = createMessageIngest({ writer, dedup: createDedup(new MemoryPersistenceLayer(), 3600), logger: recordingLogger(), concurrency: 4 });
    const out = await run({ source: 'lab', bytes: Buffer.from(batchOf(12), 'latin1') });
    expect(out.kind).toBe('accepted');
    if (out.kind !== 'accepted') return;
    expect(out.messages.map((m) => m.controlId)).toEqual(Array.from({ length: 12 }, (_, i) => `B${i + 1}`));
    expect(peak).toBe(4);
    const rows = await Promise.all(out.messages.map((m) => t.catalog.getMessage(m.messageId)));
    expect(rows.map((r) => [r?.batchId, r?.batchIndex])).toEqual(out.messages.map((_, i) => [out.batchId, i + 1]));
    expect(await reportOf(t, 'lab', out.batchId!)).toMatchObject({
      status: 'ingested',
      messages: out.messages.map((m) => ({ messageId: m.messageId, status: 'ingested' })),
    });
  });

  it('refuses a request over the message cap before storing anything', async () => {
    const t = testApp();
    const out = await ingestOn(t, { maxMessages: 3 })({ source: 'lab', bytes: Buffer.from(batchOf(4), 'latin1') });
    expect(out).toEqual({ kind: 'too-many-messages', count: 4, limit: 3 });
    expect(t.objectStore.objects.size).toBe(0);
    expect(t.catalog.messages.size).toBe(0);
  });
});

describe('a landed file (upload, file drop)', () => {
  it('takes any number of messages; its id is every message batch id; the file and the report are kept', async () => {
    const t = testApp();
    const batchId = newMessageId();
    const file = batchOf(5, 'L');
    const out = await ingestOn(t, { maxMessages: 3 })({
      source: 'lab',
      bytes: Buffer.from(file, 'latin1'),
      landed: { batchId, key: 'landing/source=lab/feed-1.hl7' },
    });
    expect(out).toMatchObject({ kind: 'accepted', batchId });
    expect(Buffer.from((await t.objectStore.get(rawBatchKey('lab', batchId)))!.body).toString('latin1')).toBe(file);
    expect(await reportOf(t, 'lab', batchId)).toMatchObject({ batchId, source: 'lab', status: 'ingested', landingKey: 'landing/source=lab/feed-1.hl7' });
  });

  it('a file of one message: the message leads back to the file by its batch id, its raw object is the file', async () => {
    const t = testApp();
    const batchId = newMessageId();
    const out = await ingestOn(t)({ source: 'lab', bytes: Buffer.from(adt('ONE'), 'latin1'), landed: { batchId, key: 'upload/source=lab/x.hl7' } });
    expect(out.kind === 'accepted' && out.messages).toHaveLength(1);
    const id = out.kind === 'accepted' ? out.messages[0]!.messageId : '';
    expect(await t.catalog.getMessage(id)).toMatchObject({ batchId, batchIndex: 1, status: MessageStatus.Ingested });
    expect(await t.objectStore.get(rawBatchKey('lab', batchId))).toBeUndefined();
    expect((await reportOf(t, 'lab', batchId)).messages).toEqual([expect.objectContaining({ messageId: id, status: 'ingested' })]);
  });

  it('delivered twice: the messages come back duplicates, the first batch file and report are kept', async () => {
    const t = testApp();
    const batchId = newMessageId();
    const landed = { batchId, key: 'landing/source=lab/feed-2.hl7' };
    const bytes = Buffer.from(batchOf(3, 'D'), 'latin1');
    const first = await ingestOn(t)({ source: 'lab', bytes, landed });
    const again = await ingestOn(t)({ source: 'lab', bytes, landed });
    expect(again.kind === 'accepted' && again.messages.map((m) => m.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.kind === 'accepted' && again.messages.map((m) => m.messageId)).toEqual(first.kind === 'accepted' && first.messages.map((m) => m.messageId));
    expect((await reportOf(t, 'lab', batchId)).messages.map((m) => m.status)).toEqual(['ingested', 'ingested', 'ingested']);
    expect(t.catalog.messages.size).toBe(3);
  });

  it('a file that is not HL7 goes to the error zone whole, and its report says so', async () => {
    const t = testApp();
    const batchId = newMessageId();
    const out = await ingestOn(t)({ source: 'lab', bytes: Buffer.from('name,dob\nJane,1980\n'), landed: { batchId, key: 'landing/source=lab/x.csv' } });
    expect(out.kind).toBe('not-hl7');
    expect(await reportOf(t, 'lab', batchId)).toMatchObject({ status: 'not-hl7', messageId: out.kind === 'not-hl7' ? out.messageId : '', messages: [] });
  });
});
