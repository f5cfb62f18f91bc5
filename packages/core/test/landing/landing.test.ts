/**
 * Large bodies and bulk input: the upload use-case (a presigned POST per source), the landing
 * use-case that ingests an uploaded or dropped file exactly like a POST, the batch report
 * route, and the redirect of objects too large to answer inline.
 */
import { describe, expect, it } from '@jest/globals';
import { type Claims, MessageStatus, rawBatchKey } from '@hcdl/lake';
import {
  createBatchRoute,
  createDedup,
  createHttpApi,
  createLanding,
  createMessageIngest,
  createQueryApi,
  createUploads,
  droppedFileBatchId,
  type ObjectSigner,
  uploadKey,
} from '../../src/index';
import { adt, recordingLogger, testApp, WRITER } from '../support';

/** A signer that records what it was asked to sign and answers recognizable URLs. */
function fakeSigner() {
  const uploads: Parameters<ObjectSigner['presignUpload']>[0][] = [];
  const downloads: string[] = [];
  const signer: ObjectSigner = {
    async presignUpload(input) {
      uploads.push(input);
      return { url: 'https://lake.s3.example/', fields: { key: input.key, policy: 'signed', 'x-amz-meta-upload-id': input.metadata['upload-id'] ?? '' } };
    },
    async presignDownload(key, expiresSeconds) {
      downloads.push(key);
      return `https://lake.s3.example/${key}?X-Amz-Expires=${expiresSeconds}`;
    },
  };
  return { signer, uploads, downloads };
}

const batchFile = (n: number, prefix: string): string =>
  `BHS|^~\\&\r${Array.from({ length: n }, (_, i) => adt(`${prefix}${i + 1}`, `MRN-${prefix}${i}`)).join('')}BTS|${n}\r`;

function landingOn(t: ReturnType<typeof testApp>, fileDropSources: string[] = ['lab'], maxBytes = 1 << 20) {
  const ingestMessages = createMessageIngest({ writer: t.app.writer, dedup: createDedup(t.idempotencyStore, 3600), logger: t.logger, concurrency: 4 });
  return createLanding({ objectStore: t.objectStore, ingestMessages, logger: t.logger, fileDropSources, maxBytes });
}

const req = (method: string, path: string, claims: Claims | undefined, query: Record<string, string> = {}) => ({ method, path, headers: {}, query, claims });

describe('POST /hl7v2/uploads', () => {
  it('answers a presigned POST for upload/source=<src>/<id>.hl7, size-bounded, pinning who submits', async () => {
    const { signer, uploads } = fakeSigner();
    const api = createHttpApi({ uploads: createUploads({ signer, maxUploadBytes: 100 * 1024 * 1024 }) });
    const res = await api.handle(req('POST', '/hl7v2/uploads', WRITER, { source: 'lab' }));
    expect(res.status).toBe(201);
    const body = JSON.parse(res.body as string) as Record<string, unknown>;
    expect(body).toMatchObject({ source: 'lab', method: 'POST', url: 'https://lake.s3.example/', maxBytes: 100 * 1024 * 1024 });
    expect(body.batchId).toBe(body.uploadId);
    expect(body.report).toBe(`/hl7v2/batches/${body.uploadId as string}?source=lab`);
    expect(uploads).toEqual([
      {
        key: uploadKey('lab', body.uploadId as string),
        maxBytes: 100 * 1024 * 1024,
        metadata: { 'upload-id': body.uploadId, 'submitted-by': 'writer-1' },
        expiresSeconds: 900,
      },
    ]);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('applies the write claim as a POST does: 401 without claims, 403 for another source, 405 for GET', async () => {
    const { signer, uploads } = fakeSigner();
    const api = createHttpApi({ uploads: createUploads({ signer, maxUploadBytes: 1024 }) });
    expect((await api.handle(req('POST', '/hl7v2/uploads', undefined))).status).toBe(401);
    expect((await api.handle(req('POST', '/hl7v2/uploads', WRITER, { source: 'pharmacy' }))).status).toBe(403);
    expect((await api.handle(req('GET', '/hl7v2/uploads', WRITER))).status).toBe(405);
    expect(uploads).toEqual([]);
  });
});

describe('the landing use-case', () => {
  it('ingests an upload like a POST: split, dedup, every message under the upload id, submitter from the signed metadata; the file is removed', async () => {
    const t = testApp();
    const { signer } = fakeSigner();
    const created = await createUploads({ signer, maxUploadBytes: 1 << 20 })(WRITER, 'lab');
    if (created.kind !== 'created') throw new Error('no upload');
    const file = Buffer.from(batchFile(3, 'U'), 'latin1');
    await t.objectStore.put({ key: created.key, body: file, metadata: { 'upload-id': created.uploadId, 'submitted-by': 'writer-1' } });
    const land = landingOn(t, []);
    const out = await land({ key: created.key, size: file.byteLength, writtenAt: new Date(), fingerprint: 'v1' });
    expect(out).toMatchObject({ kind: 'ingested', source: 'lab', batchId: created.uploadId, outcome: { kind: 'accepted', batchId: created.uploadId } });
    const ids = out.kind === 'ingested' && out.outcome.kind === 'accepted' ? out.outcome.messages.map((m) => m.messageId) : [];
    for (const [i, id] of ids.entries())
      expect(await t.catalog.getMessage(id)).toMatchObject({
        batchId: created.uploadId,
        batchIndex: i + 1,
        submittedBy: 'writer-1',
        status: MessageStatus.Ingested,
      });
    expect(await t.objectStore.get(created.key)).toBeUndefined();
    expect(await t.objectStore.get(rawBatchKey('lab', created.uploadId))).toBeDefined();
    // The event delivered again: the file is gone, nothing more is done.
    expect(await land({ key: created.key, size: file.byteLength, writtenAt: new Date(), fingerprint: 'v1' })).toEqual({ kind: 'gone', key: created.key });
    // A message of the upload posted afterwards is a duplicate of the uploaded one.
    const again = await t.submit(adt('U2', 'MRN-U1'));
    expect(again).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate', messageId: ids[1] }] });
  });

  it('ingests a file drop of an allowed source under a batch id derived from the object version', async () => {
    const t = testApp();
    const key = 'landing/source=lab/2026/03/feed-7.hl7';
    const file = Buffer.from(batchFile(2, 'F'), 'latin1');
    await t.objectStore.put({ key, body: file });
    const writtenAt = new Date('2026-03-01T10:00:00Z');
    const out = await landingOn(t)({ key, size: file.byteLength, writtenAt, fingerprint: `bucket/${key}#v1`, principal: 'AROAEXAMPLE:feed' });
    const batchId = droppedFileBatchId(writtenAt.getTime(), `bucket/${key}#v1`);
    expect(out).toMatchObject({ kind: 'ingested', batchId });
    expect(batchId).toBe(droppedFileBatchId(writtenAt.getTime(), `bucket/${key}#v1`));
    expect(batchId).not.toBe(droppedFileBatchId(writtenAt.getTime(), `bucket/${key}#v2`));
    const id = out.kind === 'ingested' && out.outcome.kind === 'accepted' ? out.outcome.messages[0]!.messageId : '';
    expect(await t.catalog.getMessage(id)).toMatchObject({ batchId, submittedBy: 'AROAEXAMPLE:feed' });
  });

  it('refuses, and leaves in place, a drop for a source without file drop, a key outside the layout and a file over the limit', async () => {
    const t = testApp();
    const body = Buffer.from(adt('X1'), 'latin1');
    for (const key of ['landing/source=pharmacy/a.hl7', 'landing/a.hl7', 'landing/source=lab/big.hl7']) await t.objectStore.put({ key, body });
    const land = landingOn(t, ['lab'], 10);
    const at = { writtenAt: new Date(), fingerprint: 'x', size: body.byteLength };
    expect(await land({ key: 'landing/source=pharmacy/a.hl7', ...at })).toMatchObject({ kind: 'refused', reason: 'source-not-allowed' });
    expect(await land({ key: 'landing/a.hl7', ...at })).toMatchObject({ kind: 'refused', reason: 'not-a-landing-key' });
    expect(await land({ key: 'landing/source=lab/big.hl7', ...at })).toMatchObject({ kind: 'refused', reason: 'too-large' });
    expect(t.catalog.messages.size).toBe(0);
    expect(await t.objectStore.get('landing/source=pharmacy/a.hl7')).toBeDefined();
  });
});

describe('GET /hl7v2/batches/{id}', () => {
  it('answers the report of a batch to a reader of its source, 404 NO_REPORT before it exists', async () => {
    const t = testApp();
    const out = await t.submit(batchFile(2, 'R'));
    if (out.kind !== 'accepted' || out.batchId === undefined) throw new Error('no batch');
    const read = createQueryApi({ catalog: t.catalog, objectStore: t.objectStore, logger: t.logger });
    const reader: Claims = { sub: 'r', 'custom:read': 'lab' };
    const got = await read.handle(req('GET', `/hl7v2/batches/${out.batchId}`, reader));
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body as string)).toMatchObject({ batchId: out.batchId, status: 'ingested', messages: out.messages });
    expect((await read.handle(req('GET', `/hl7v2/batches/${out.batchId}`, { sub: 'o', 'custom:read': 'other' }))).status).toBe(404);
    expect((await read.handle(req('GET', `/hl7v2/batches/${out.batchId}`, { sub: 'a', 'custom:read': '*' }))).status).toBe(400);
    expect((await read.handle(req('GET', `/hl7v2/batches/${out.batchId}`, { sub: 'a', 'custom:read': '*' }, { source: 'lab' }))).status).toBe(200);
    const pending = await createBatchRoute({ catalog: t.catalog, objectStore: t.objectStore })(reader, '01JAAAAAAAAAAAAAAAAAAAAAAA', {});
    expect(JSON.parse(pending.body as string)).toMatchObject({ error: { code: 'NO_REPORT' } });
  });
});

describe('objects too large to answer inline', () => {
  it('GET /raw and /staging redirect to a presigned GET above the threshold, and answer inline below it', async () => {
    const t = testApp();
    const out = await t.submit(adt('BIG'));
    await t.settle();
    const id = out.kind === 'accepted' ? out.messages[0]!.messageId : '';
    const row = await t.catalog.getMessage(id);
    const { signer, downloads } = fakeSigner();
    const reader: Claims = { sub: 'r', 'custom:read': 'lab' };
    const small = createQueryApi({ catalog: t.catalog, objectStore: t.objectStore, logger: t.logger, largeObjects: { signer, thresholdBytes: 10 } });
    const raw = await small.handle(req('GET', `/hl7v2/messages/${id}/raw`, reader));
    expect(raw.status).toBe(307);
    expect(raw.headers.location).toBe(`https://lake.s3.example/${row!.rawKey}?X-Amz-Expires=300`);
    expect((await small.handle(req('GET', `/hl7v2/messages/${id}/staging`, reader))).status).toBe(307);
    expect(downloads).toEqual([row!.rawKey, row!.stagingKey]);
    const large = createQueryApi({ catalog: t.catalog, objectStore: t.objectStore, logger: t.logger, largeObjects: { signer, thresholdBytes: 1 << 20 } });
    const inline = await large.handle(req('GET', `/hl7v2/messages/${id}/raw`, reader));
    expect(inline.status).toBe(200);
    expect(Buffer.from(inline.body as Uint8Array).toString('latin1')).toBe(adt('BIG'));
  });
});
