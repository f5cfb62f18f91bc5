/**
 * The core-writer bundle's `ingest` export (Lambda handler `index.ingest`), invoked the way
 * the front door invokes it on AWS: a pointer to request bytes landed under work/incoming/.
 * Against s3rver and dynalite on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contentHash, HubEventName, newMessageId, rawBatchKey } from '@hcdl/lake';
import { normalize, readHeader } from '@hcdl/hl7v2';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { lambdaContext } from '../../../packages/aws/test/loader/support/events';
import { startLambdaHarness, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';

const CORPUS = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus');
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

type Ingest = (event: unknown, context: unknown) => Promise<{ op: string; record?: Record<string, unknown>; key?: string }>;

describe('core-writer Lambda bundle, `ingest` export', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let ingest: Ingest;
  let n = 0;
  const invoke = (event: unknown) => ingest(event, lambdaContext('hcdl-dev-core-writer-ingest'));
  const land = async (body: Uint8Array | string): Promise<string> => {
    const key = `work/incoming/test-${++n}`;
    await h.objectStore.put({ key, body, contentType: 'application/octet-stream' });
    return key;
  };

  beforeAll(async () => {
    h = await startLambdaHarness();
    bundle = await buildFunctionBundle('core-writer');
    ({ ingest } = await bundle.load<{ ingest: Ingest }>());
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('keeps the landed bytes in the raw zone, writes the catalog row, publishes `ingested`, deletes the landing object', async () => {
    h.resetCalls();
    const normalized = normalize(ADT_A01);
    const header = readHeader(normalized);
    const messageId = newMessageId();
    const landingKey = await land(ADT_A01);
    const normalizedKey = await land(normalized);
    const out = await invoke({ op: 'ingest', landingKey, normalizedKey, messageId, source: 'hospital-a', header, submittedBy: 'user-1' });

    expect(out.op).toBe('ingest');
    expect(out.record).toMatchObject({
      messageId,
      source: 'hospital-a',
      status: 'ingested',
      controlId: header.controlId,
      messageType: header.messageType,
      submittedBy: 'user-1',
      size: ADT_A01.byteLength,
    });
    const row = await h.catalog.getMessage(messageId);
    expect(row).toEqual(out.record);
    expect(row!.contentHash).toBe(contentHash(normalized));
    expect(Buffer.from((await h.getObject(row!.rawKey)).body).equals(ADT_A01)).toBe(true);
    expect(h.published().map((e) => [e.attributes.event, e.body.messageId])).toEqual([[HubEventName.Ingested, messageId]]);
    expect(await h.objectStore.head(landingKey)).toBeUndefined();
    expect(await h.objectStore.head(normalizedKey)).toBeUndefined();
  });

  it('a retried invoke of an ingest that already ran answers the row already kept', async () => {
    const text = normalize(ADT_A01);
    const messageId = newMessageId();
    const pointer = { op: 'ingest', messageId, source: 'hospital-a', header: readHeader(text) };
    const first = await invoke({ ...pointer, landingKey: await land(text) });
    const again = await invoke({ ...pointer, landingKey: await land(text) });
    expect(again.record).toEqual(first.record);
  });

  it('rejected input: raw and error zones, diagnostics in the catalog, status error', async () => {
    const bytes = Buffer.from('this is not HL7 at all', 'utf8');
    const messageId = newMessageId();
    const diagnostics = [{ code: 'NO_MSH', severity: 'error', message: 'no MSH segment', location: 'MSH', line: 1 }];
    const out = await invoke({ op: 'reject', landingKey: await land(bytes), messageId, source: 'hospital-b', stage: 'front-door', diagnostics });
    expect(out.record).toMatchObject({ messageId, status: 'error' });
    const row = await h.catalog.getMessage(messageId);
    expect(Buffer.from((await h.getObject(row!.errorKey!)).body).equals(bytes)).toBe(true);
    expect(Buffer.from((await h.getObject(row!.rawKey)).body).equals(bytes)).toBe(true);
    expect((await h.catalog.listErrors({ messageId })).items).toEqual([expect.objectContaining({ stage: 'front-door', code: 'NO_MSH', attempt: 1 })]);
  });

  it('a batch file is kept under its raw batch key', async () => {
    const bytes = Buffer.from('FHS|^~\\&\rBHS|^~\\&\rMSH|^~\\&|A\rBTS|1\rFTS|1\r', 'utf8');
    const batchId = newMessageId();
    const out = await invoke({ op: 'batch', landingKey: await land(bytes), source: 'hospital-a', batchId, messages: 1 });
    expect(out).toEqual({ op: 'batch', key: rawBatchKey('hospital-a', batchId) });
    expect(Buffer.from((await h.getObject(out.key!)).body).equals(bytes)).toBe(true);
  });

  it('refuses pointers outside work/incoming/ and missing landing objects, writing nothing', async () => {
    const messageId = newMessageId();
    const header = readHeader(normalize(ADT_A01));
    await expect(invoke({ op: 'ingest', landingKey: 'raw/source=hospital-a/x.hl7', messageId, source: 'hospital-a', header })).rejects.toMatchObject({
      name: 'CoreIngestProtocolError',
    });
    await expect(invoke({ op: 'ingest', landingKey: 'work/incoming/never-landed', messageId, source: 'hospital-a', header })).rejects.toMatchObject({
      name: 'MissingLakeObjectError',
    });
    expect(await h.catalog.getMessage(messageId)).toBeUndefined();
  });

  it('logs ids, sizes and counts only', () => {
    const entries = h.logs.entries();
    expect(entries.some((e) => e.service === 'hcdl-core-writer-ingest' && e.message === 'message ingested')).toBe(true);
    const text = h.logs.text();
    for (const secret of ['DOE', 'JOHN', 'MSGID10001', 'PID|', 'not HL7 at all', 'user-1']) expect(text).not.toContain(secret);
  });
});
