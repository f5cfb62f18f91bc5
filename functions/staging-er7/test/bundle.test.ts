/**
 * The staging-er7 Lambda bundle (dist/index.mjs): `index.stage`, task 1 of the staging
 * workflow, invoked with the SQS batch EventBridge Pipes passes on (SNS raw delivery of an
 * `ingested` event), against s3rver on loopback. It reads raw/ and writes nothing but large
 * hand-offs under work/staging/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StageOutput } from '@hcdl/core';
import { ingestedEvent, stagedEvent } from '@hcdl/lake';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { lambdaContext, pipeInputOf, snsPublishOf } from '../../../packages/aws/test/loader/support/events';
import { startLambdaHarness, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';

const CORPUS = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus');
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

type Stage = (input: unknown, context: unknown) => Promise<StageOutput>;

describe('staging-er7 Lambda bundle (the stage task)', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let stage: Stage;
  const ctx = () => lambdaContext('hcdl-dev-staging-stage');

  beforeAll(async () => {
    // The memory Lambda announces to the function (its staging heap is a share of it: env.ts).
    h = await startLambdaHarness({ env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' } });
    bundle = await buildFunctionBundle('staging-er7');
    ({ stage } = await bundle.load<{ stage: Stage }>());
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is under the 250 KB budget with the dictionary Brotli-packed, and holds no SNS or DynamoDB code', () => {
    expect(bundle.bytes).toBeGreaterThan(10_000);
    expect(bundle.bytes).toBeLessThan(250 * 1024);
    const code = readFileSync(bundle.outfile, 'utf8');
    // The HL7 v2 dictionary (~700 KB of JSON text) travels Brotli-packed, not in clear.
    expect(code).not.toContain('accident_date_time');
    expect(code).toContain('brotliDecompressSync');
    expect(code).not.toContain('@aws-sdk/client-sns');
    expect(code).not.toContain('@aws-sdk/lib-dynamodb');
  });

  it('stages an ingested message from the pipe batch: one GET of raw/, no write, the staging JSON and the patient facts in its output', async () => {
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a', messageType: 'ADT^A01', controlId: 'MSGID10001' });
    h.resetCalls();
    const out = await stage(pipeInputOf([snsPublishOf(ingestedEvent(record))]), ctx());
    expect(out).toMatchObject({
      outcome: 'staged',
      target: { messageId: record.messageId, source: 'hospital-a', rawKey: record.rawKey, attempt: 1, messageType: 'ADT^A01' },
      structure: 'ADT_A01',
      patient: { merge: false, groups: [{ identifiers: expect.arrayContaining([expect.stringContaining('900001')]) }] },
    });
    const json = (out as { staging: { json: string } }).staging.json;
    expect(JSON.parse(json).msh).toMatchObject({ message_control_id: 'MSGID10001', message_type: { trigger_event: 'A01' } });
    expect(h.calls().s3).toEqual({ GetObjectCommand: 1 });
    expect(h.publishes()).toHaveLength(0);
  });

  it('a message that cannot be staged ends failed with located diagnostics, errors first', async () => {
    const bytes = Buffer.from('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|X1|P|2.5\rEVN|A01|20240101\r1234 garbage\r\x01\x02 more\rPID|1||42^^^H^MR\r', 'latin1');
    const record = await h.seedIngested(bytes, { source: 'hospital-b', messageType: 'ADT^A01' });
    const out = await stage(pipeInputOf([snsPublishOf(ingestedEvent(record))]), ctx());
    expect(out).toMatchObject({ outcome: 'failed', stage: 'parse', target: { messageId: record.messageId, attempt: 1 } });
    expect((out as { diagnostics: { code: string; severity: string }[] }).diagnostics[0]).toMatchObject({ code: 'NON_SEGMENT_LINES', severity: 'error' });
  });

  it('sends a message whose structure would not fit its memory to the error zone at once, located (no crash, no retry)', async () => {
    // Six million empty repetitions: ~470 MB by the estimate, over the 307 MB staging may use of 512.
    const bytes = Buffer.from(`MSH|^~\\&|A|B|C|D|20240101||ORU^R01|X2|P|2.5\rPID|1||42^^^H^MR\rOBR|1\rOBX|1|TX|N||${'~'.repeat(6_000_000)}\r`, 'latin1');
    const record = await h.seedIngested(bytes, { source: 'hospital-b', messageType: 'ORU^R01' });
    const out = await stage(pipeInputOf([snsPublishOf(ingestedEvent(record))]), ctx());
    expect(out).toMatchObject({ outcome: 'failed', stage: 'parse', target: { messageId: record.messageId } });
    const diagnostics = (out as { diagnostics: { code: string; segment?: string; message: string }[] }).diagnostics;
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'STAGING_LIMIT', segment: 'OBX', line: 4 });
    expect(diagnostics[0]?.message).toContain('more than the 307 MB staging may use here');
  });

  it('refuses what is not one ingested event (no retry: StepInputError, ValidationError)', async () => {
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a' });
    const staged = stagedEvent({ ...record, stagingKey: 'staging/x.json' });
    await expect(stage(pipeInputOf([snsPublishOf(staged)]), ctx())).rejects.toMatchObject({ name: 'StepInputError' });
    await expect(stage([], ctx())).rejects.toMatchObject({ name: 'StepInputError' });
    await expect(stage([{ body: 'not json', messageAttributes: {} }], ctx())).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(stage({ messageId: '../../etc', source: 'x', rawKey: 'raw/x', attempt: 1 }, ctx())).rejects.toMatchObject({ name: 'StepInputError' });
  });

  it('logs ids and counts only', () => {
    const entries = h.logs.entries();
    // A staged message is logged by the outcome (`message staged`); the stage logs what it could not stage.
    expect(entries.some((e) => e.service === 'hcdl-staging-er7' && e.step === 'stage' && e.message === 'staging failed')).toBe(true);
    const text = h.logs.text();
    for (const secret of ['DOE', 'JOHN', '100001', '900001', 'MSGID10001', 'PID|', 'garbage']) expect(text).not.toContain(secret);
  });
});
