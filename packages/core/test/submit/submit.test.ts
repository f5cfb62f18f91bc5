/**
 * The submit use-case: what each kind of input comes to, which writer call it makes, and
 * that nothing is ever accepted without the writer having made it durable.
 */
import { describe, expect, it } from '@jest/globals';
import { contentHash, type MessageRecord } from '@hcdl/lake';
import { MemoryPersistenceLayer } from '@hcdl/lake/testing';
import { createDedup, createSubmit, type SubmitInput, type Writer } from '../../src/index';
import { adt, recordingLogger, WRITER } from '../support';

/** A writer that records its calls (and can fail), standing for the ingest use-case. */
function recordingWriter(fail?: Error) {
  const calls: { op: string; input: Record<string, unknown> }[] = [];
  const record = (input: { messageId: string; source: string; header?: { controlId?: string; messageType?: string } }): MessageRecord =>
    ({ messageId: input.messageId, source: input.source, controlId: input.header?.controlId, messageType: input.header?.messageType }) as MessageRecord;
  const writer: Pick<Writer, 'ingest' | 'ingestRejected' | 'storeBatch' | 'storeBatchReport'> = {
    async ingest(input) {
      calls.push({ op: 'ingest', input: input as unknown as Record<string, unknown> });
      if (fail) throw fail;
      return record(input);
    },
    async ingestRejected(input) {
      calls.push({ op: 'reject', input: input as unknown as Record<string, unknown> });
      return record(input);
    },
    async storeBatch(input) {
      calls.push({ op: 'batch', input: input as unknown as Record<string, unknown> });
      return { key: `raw/${input.batchId}` };
    },
    async storeBatchReport(input) {
      calls.push({ op: 'report', input: input as unknown as Record<string, unknown> });
      return { key: `raw/${input.batchId}.report.json`, kept: true };
    },
  };
  return { writer, calls };
}

const submitWith = (writer: Pick<Writer, 'ingest' | 'ingestRejected' | 'storeBatch' | 'storeBatchReport'>, maxBodyBytes = 1 << 20) =>
  createSubmit({ writer, dedup: createDedup(new MemoryPersistenceLayer(), 3600), maxBodyBytes, logger: recordingLogger() });

const input = (body: string, overrides: Partial<SubmitInput> = {}): SubmitInput => ({
  claims: WRITER,
  source: 'lab',
  contentType: 'application/hl7-v2',
  body: Buffer.from(body, 'latin1'),
  ...overrides,
});

describe('submit', () => {
  it('a batch: the file to storeBatch first, then each message to ingest with its batch id and 1-based index', async () => {
    const { writer, calls } = recordingWriter();
    const file = `FHS|^~\\&\rBHS|^~\\&\r${adt('A1')}${adt('A2', 'MRN-2')}BTS|2\rFTS|1\r`;
    const out = await submitWith(writer)(input(file));
    expect(out).toMatchObject({
      kind: 'accepted',
      messages: [
        { status: 'ingested', controlId: 'A1' },
        { status: 'ingested', controlId: 'A2' },
      ],
    });
    expect(calls.map((c) => c.op)).toEqual(['batch', 'ingest', 'ingest', 'report']);
    const batch = calls[0]?.input as { batchId: string; bytes: Uint8Array; messages: number; source: string };
    expect(batch).toMatchObject({ source: 'lab', messages: 2 });
    expect(Buffer.from(batch.bytes).toString('latin1')).toBe(file);
    expect(out.kind === 'accepted' && out.batchId).toBe(batch.batchId);
    expect(calls[3]?.input).toMatchObject({ batchId: batch.batchId, source: 'lab', status: 'ingested', messages: [{ controlId: 'A1' }, { controlId: 'A2' }] });
    expect(calls.slice(1, 3).map((c) => [c.input.batchId, c.input.batchIndex])).toEqual([
      [batch.batchId, 1],
      [batch.batchId, 2],
    ]);
  });

  it('hands ingest the content hash it keyed the dedup with, computed on the normalized text', async () => {
    const { writer, calls } = recordingWriter();
    await submitWith(writer)(input(adt('H1').replace(/\r/g, '\r\n')));
    expect((calls[0]?.input as { contentHash: string }).contentHash).toBe(contentHash(adt('H1')));
  });

  it('input that is not HL7 goes to ingestRejected with the front-door stage and the diagnostics', async () => {
    const { writer, calls } = recordingWriter();
    const out = await submitWith(writer)(input('hello', { contentType: 'text/plain' }));
    expect(out).toMatchObject({ kind: 'not-hl7', diagnostics: [expect.objectContaining({ severity: 'error' })] });
    expect(calls).toEqual([{ op: 'reject', input: expect.objectContaining({ source: 'lab', stage: 'front-door', submittedBy: 'writer-1' }) }]);
  });

  it.each([
    ['no token', { claims: undefined }, { kind: 'unauthorized' }],
    ['no write right for the source', { claims: { sub: 'r', 'custom:write': 'north' } }, { kind: 'forbidden' }],
    ['several sources, none named', { claims: { sub: 'w', 'custom:write': 'a,b' }, source: undefined }, { kind: 'bad-request', code: 'SOURCE_REQUIRED' }],
    ['an unsupported media type', { contentType: 'application/xml' }, { kind: 'unsupported-media-type' }],
    ['JSON without msg', { contentType: 'application/json', body: Buffer.from('{}') }, { kind: 'bad-request', code: 'INVALID_JSON' }],
    ['a declared length over the limit', { declaredLength: 2048 }, { kind: 'too-large', limit: 1024 }],
  ])('refuses %s before writing anything', async (_title, overrides, expected) => {
    const { writer, calls } = recordingWriter();
    const out = await submitWith(writer, 1024)(input(adt('R1'), overrides as Partial<SubmitInput>));
    expect(out).toMatchObject(expected);
    expect(calls).toEqual([]);
  });

  it('a batch envelope without messages is refused as empty', async () => {
    const { writer, calls } = recordingWriter();
    expect(await submitWith(writer)(input('FHS|^~\\&\rBHS|^~\\&\rBTS|0\rFTS|1\r'))).toEqual({ kind: 'empty-batch' });
    expect(calls).toEqual([]);
  });

  it('a failing writer is never an accepted outcome: the error reaches the transport (a 5xx, an AR "send again")', async () => {
    const { writer } = recordingWriter(new Error('disk full'));
    await expect(submitWith(writer)(input(adt('F1')))).rejects.toThrow('disk full');
  });
});
