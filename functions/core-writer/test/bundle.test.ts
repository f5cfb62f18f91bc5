/**
 * The core-writer Lambda bundle (dist/index.mjs) invoked with SNS events carrying `staged`
 * and `failed` hub events, against s3rver and dynalite on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { failedEvent, stagedEvent, workStagingKey } from '@hcdl/lake';
import { normalize, parseMessage, toStagingJsonText } from '@hcdl/hl7v2';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { lambdaContext, snsEvent, snsPublishOf } from '../../../packages/aws/test/loader/support/events';
import { startLambdaHarness, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';

const CORPUS = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus');
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

type Handler = (event: unknown, context: unknown) => Promise<void>;

describe('core-writer Lambda bundle', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let handler: Handler;
  const invoke = (event: unknown) => handler(event, lambdaContext('hcdl-dev-core-writer'));

  beforeAll(async () => {
    h = await startLambdaHarness();
    bundle = await buildFunctionBundle('core-writer');
    ({ handler } = await bundle.load<{ handler: Handler }>());
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is under the 250 KB budget, without the idempotency layer (front door only)', () => {
    expect(bundle.bytes).toBeGreaterThan(10_000);
    expect(bundle.bytes).toBeLessThan(250 * 1024);
    expect(readFileSync(bundle.outfile, 'utf8')).not.toContain('INPROGRESS');
  });

  it('`staged`: writes the staging JSON tagged data_src = raw key, and marks the message staged', async () => {
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a', messageType: 'ADT^A01', controlId: 'MSGID10001' });
    const stagingJson = toStagingJsonText(parseMessage(normalize(ADT_A01)));
    const workKey = workStagingKey(record.messageId, 1);
    await h.objectStore.put({ key: workKey, body: stagingJson, contentType: 'application/json' });

    await invoke(snsEvent([snsPublishOf(stagedEvent(record, { workKey, attempt: 1, structure: 'ADT_A01' }))]));

    const row = await h.catalog.getMessage(record.messageId);
    expect(row).toMatchObject({ status: 'staged', structure: 'ADT_A01', attempts: 1 });
    expect(row!.stagingKey).toMatch(
      new RegExp(`^staging/source=hospital-a/protocol=hl7v2/format=json/type=ADT_A01/dt=\\d{4}-\\d{2}-\\d{2}/${record.messageId}\\.json$`),
    );
    const staged = await h.getObject(row!.stagingKey!);
    expect(Buffer.from(staged.body).toString('utf8')).toBe(stagingJson);
    expect(JSON.parse(stagingJson)).toMatchObject({ msh: { message_control_id: 'MSGID10001' } });
    expect(await h.getTags(row!.stagingKey!)).toEqual({ data_src: record.rawKey });
    expect(await h.objectStore.head(workKey)).toBeUndefined();
    // The patient cross-reference was updated from the raw bytes.
    expect(row!.patientId).toEqual(expect.any(String));
  });

  it('a redelivered `staged` event changes nothing and does not fail', async () => {
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a', messageType: 'ADT^A01' });
    const workKey = workStagingKey(record.messageId, 1);
    await h.objectStore.put({ key: workKey, body: toStagingJsonText(parseMessage(normalize(ADT_A01))), contentType: 'application/json' });
    const event = snsEvent([snsPublishOf(stagedEvent(record, { workKey, attempt: 1, structure: 'ADT_A01' }))]);
    await invoke(event);
    const first = await h.catalog.getMessage(record.messageId);
    await invoke(event);
    expect(await h.catalog.getMessage(record.messageId)).toEqual(first);
  });

  it('`failed`: keeps the raw bytes in the error zone with the diagnostics, and marks the message error', async () => {
    const bytes = Buffer.from('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|X1|P|2.5\rnot a segment\rPID|1||42\r', 'latin1');
    const record = await h.seedIngested(bytes, { source: 'hospital-b', messageType: 'ADT^A01' });
    const diagnostics = [{ code: 'NON_SEGMENT_LINES', severity: 'error', message: '1 lines in the message are not segments', location: 'MSH', line: 2 }];
    await invoke(snsEvent([snsPublishOf(failedEvent(record, { attempt: 1, stage: 'parse', diagnostics }))]));

    const row = await h.catalog.getMessage(record.messageId);
    expect(row).toMatchObject({ status: 'error' });
    expect(row!.errorKey).toMatch(/^error\/source=hospital-b\/protocol=hl7v2\/dt=/);
    expect(Buffer.from((await h.getObject(row!.errorKey!)).body).equals(bytes)).toBe(true);
    const errors = await h.catalog.listErrors({ messageId: record.messageId });
    expect(errors.items).toEqual([
      expect.objectContaining({ messageId: record.messageId, attempt: 1, stage: 'parse', code: 'NON_SEGMENT_LINES', severity: 'error' }),
    ]);
  });

  it('an SNS record that is not a hub event fails the invocation (Lambda retries, then the DLQ)', async () => {
    await expect(invoke(snsEvent([{ Message: 'not json', MessageAttributes: {} }]))).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('logs ids and counts only', () => {
    const entries = h.logs.entries();
    expect(entries.some((e) => e.service === 'hcdl-core-writer' && e.message === 'message staged')).toBe(true);
    const text = h.logs.text();
    for (const secret of ['DOE', 'JOHN', '100001', '900001', 'MSGID10001', 'PID|', 'not a segment']) expect(text).not.toContain(secret);
  });
});
