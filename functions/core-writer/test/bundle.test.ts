/**
 * The core-writer Lambda bundle (dist/index.mjs): the outcome task of the staging workflow,
 * invoked with the stage task's output as Step Functions hands it on (JSON), against s3rver
 * and dynalite on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { failedOutput, stageMessage, type StageOutput, type StageTarget } from '@hcdl/core';
import { workStagingKey } from '@hcdl/lake';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { lambdaContext } from '../../../packages/aws/test/loader/support/events';
import { startLambdaHarness, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';

const CORPUS = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus');
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

type Handler = (input: unknown, context: unknown) => Promise<{ messageId: string; status: string; attempts: number }>;

/** What the stage task returns for raw bytes (the real staging), as the state between the two tasks. */
function staged(target: StageTarget, bytes: Uint8Array): StageOutput {
  const r = stageMessage(bytes);
  if (!r.ok) throw new Error('fixture did not stage');
  return JSON.parse(
    JSON.stringify({ outcome: 'staged', target, structure: r.structure, staging: { json: r.stagingJson }, patient: r.patient, warnings: r.warnings }),
  );
}

describe('core-writer Lambda bundle (the outcome task)', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let handler: Handler;
  const invoke = (input: unknown) => handler(input, lambdaContext('hcdl-dev-core-writer'));
  const targetOf = (r: { messageId: string; source: string; rawKey: string }): StageTarget => ({
    messageId: r.messageId,
    source: r.source,
    rawKey: r.rawKey,
    attempt: 1,
  });

  beforeAll(async () => {
    h = await startLambdaHarness();
    bundle = await buildFunctionBundle('core-writer');
    ({ handler } = await bundle.load<{ handler: Handler }>());
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is under the 250 KB budget, without the parser or the idempotency layer', () => {
    expect(bundle.bytes).toBeGreaterThan(10_000);
    expect(bundle.bytes).toBeLessThan(250 * 1024);
    const code = readFileSync(bundle.outfile, 'utf8');
    expect(code).not.toContain('INPROGRESS');
    // No dictionary: the outcome task never parses (the stage task handed it the facts).
    expect(code).not.toContain('brotliDecompressSync');
  });

  it('staged: writes the staging JSON tagged data_src = raw key, indexes the patient from the facts, publishes staged', async () => {
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a', messageType: 'ADT^A01', controlId: 'MSGID10001' });
    const output = staged(targetOf(record), ADT_A01);
    h.resetCalls();
    expect(await invoke(output)).toEqual({ messageId: record.messageId, status: 'staged', attempts: 1 });
    const s3Calls = h.calls().s3;
    const row = await h.catalog.getMessage(record.messageId);
    expect(row).toMatchObject({ status: 'staged', structure: 'ADT_A01', attempts: 1, patientId: expect.any(String) });
    expect(row!.stagingKey).toMatch(
      new RegExp(`^staging/source=hospital-a/protocol=hl7v2/format=json/type=ADT_A01/dt=\\d{4}-\\d{2}-\\d{2}/${record.messageId}\\.json$`),
    );
    expect(Buffer.from((await h.getObject(row!.stagingKey!)).body).toString('utf8')).toBe((output as { staging: { json: string } }).staging.json);
    expect(await h.getTags(row!.stagingKey!)).toEqual({ data_src: record.rawKey });
    // The staging JSON came inline: nothing was read, and no tag either.
    expect(s3Calls.GetObjectCommand ?? 0).toBe(0);
    expect(h.published().map((e) => [e.attributes.event, e.body.messageId])).toEqual([['staged', record.messageId]]);
  });

  it('staged through work/: reads the large hand-off once and removes it', async () => {
    // As the front door records it: type and control id (never a staged row without them).
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a', messageType: 'ADT^A01', controlId: 'MSGID10001' });
    const output = staged(targetOf(record), ADT_A01);
    const workKey = workStagingKey(record.messageId, 1);
    await h.objectStore.put({ key: workKey, body: (output as { staging: { json: string } }).staging.json, contentType: 'application/json' });
    await invoke({ ...output, staging: { workKey } });
    expect((await h.catalog.getMessage(record.messageId))?.status).toBe('staged');
    expect(await h.objectStore.head(workKey)).toBeUndefined();
  });

  it('a redelivered outcome changes nothing and does not fail', async () => {
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a', messageType: 'ADT^A01' });
    const output = staged(targetOf(record), ADT_A01);
    await invoke(output);
    const first = await h.catalog.getMessage(record.messageId);
    await invoke(output);
    expect(await h.catalog.getMessage(record.messageId)).toEqual(first);
  });

  it('failed: copies the raw bytes into the error zone with the diagnostics, marks the message error, publishes failed', async () => {
    const bytes = Buffer.from('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|X1|P|2.5\rnot a segment\rPID|1||42\r', 'latin1');
    const record = await h.seedIngested(bytes, { source: 'hospital-b', messageType: 'ADT^A01' });
    const diagnostics = [
      { code: 'NON_SEGMENT_LINES', severity: 'error' as const, message: '1 lines in the message are not segments', location: 'MSH', line: 2, column: 1 },
    ];
    h.resetCalls();
    await invoke(JSON.parse(JSON.stringify(failedOutput(targetOf(record), 'parse', diagnostics))));
    const row = await h.catalog.getMessage(record.messageId);
    expect(row).toMatchObject({ status: 'error' });
    expect(row!.errorKey).toMatch(/^error\/source=hospital-b\/protocol=hl7v2\/dt=/);
    expect(Buffer.from((await h.getObject(row!.errorKey!)).body).equals(bytes)).toBe(true);
    expect(h.calls().s3.CopyObjectCommand).toBe(1);
    const errors = await h.catalog.listErrors({ messageId: record.messageId });
    expect(errors.items).toEqual([
      expect.objectContaining({ messageId: record.messageId, attempt: 1, stage: 'parse', code: 'NON_SEGMENT_LINES', severity: 'error' }),
    ]);
    expect(h.published()[0]?.body).toMatchObject({ messageId: record.messageId, errorKey: row!.errorKey, codes: ['NON_SEGMENT_LINES'] });
  });

  it('refuses a state that is not a stage output (no retry: StepInputError)', async () => {
    await expect(invoke({ outcome: 'staged', target: { messageId: 'x' } })).rejects.toMatchObject({ name: 'StepInputError' });
  });

  it('logs ids and counts only', () => {
    const entries = h.logs.entries();
    expect(entries.some((e) => e.service === 'hcdl-core-writer' && e.message === 'message staged')).toBe(true);
    const text = h.logs.text();
    for (const secret of ['DOE', 'JOHN', '100001', '900001', 'MSGID10001', 'PID|', 'not a segment']) expect(text).not.toContain(secret);
  });
});
