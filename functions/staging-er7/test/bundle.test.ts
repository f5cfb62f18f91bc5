/**
 * The staging-er7 Lambda bundle (dist/index.mjs), deployed three times: `index.handler` (the
 * SNS trigger that starts the Express state machine), `index.normalize` and `index.parse`
 * (its two tasks). Run here as Step Functions would chain them, against s3rver and
 * dynalite on loopback; SNS and Step Functions calls captured by aws-sdk-client-mock.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ingestedEvent, stagedEvent, workStagingKey } from '@hcdl/lake';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { lambdaContext, snsEvent, snsPublishOf } from '../../../packages/aws/test/loader/support/events';
import { startLambdaHarness, TEST_STATE_MACHINE_ARN, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';
import type { NormalizedState, ParsedState, StagingExecutionInput } from '../src/index';

const CORPUS = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus');
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

interface StagingBundle {
  handler: (event: unknown, context: unknown) => Promise<void>;
  normalize: (state: unknown, context: unknown) => Promise<NormalizedState>;
  parse: (state: unknown, context: unknown) => Promise<ParsedState>;
}

describe('staging-er7 Lambda bundle', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let fn: StagingBundle;
  const ctx = (step: string) => lambdaContext(`hcdl-dev-staging-${step}`);

  beforeAll(async () => {
    h = await startLambdaHarness();
    bundle = await buildFunctionBundle('staging-er7');
    fn = await bundle.load<StagingBundle>();
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is under the 250 KB budget (dictionary packed) and exports the three Lambda handlers', () => {
    expect(bundle.bytes).toBeGreaterThan(10_000);
    expect(bundle.bytes).toBeLessThan(250 * 1024);
    // The HL7 v2 dictionary (~700 KB of JSON text) travels Brotli-packed, not in clear.
    const code = readFileSync(bundle.outfile, 'utf8');
    expect(code).not.toContain('accident_date_time');
    expect(code).toContain('brotliDecompressSync');
    expect(typeof fn.handler).toBe('function');
    expect(typeof fn.normalize).toBe('function');
    expect(typeof fn.parse).toBe('function');
  });

  /** Trigger, then the two tasks with the state passing from one to the next. */
  async function runWorkflow(bytes: Uint8Array, source: string) {
    const record = await h.seedIngested(bytes, { source, messageType: 'ADT^A01' });
    h.resetCalls();
    await fn.handler(snsEvent([snsPublishOf(ingestedEvent(record))]), ctx('trigger'));
    const [execution, ...more] = h.executions();
    expect(more).toHaveLength(0);
    const normalized = await fn.normalize(execution!.input, ctx('normalize'));
    const parsed = await fn.parse(normalized, ctx('parse'));
    return { record, execution: execution!, normalized, parsed };
  }

  it('trigger -> normalize -> parse stages a message: staging JSON in work/ and `staged` on SNS', async () => {
    const { record, execution, normalized, parsed } = await runWorkflow(ADT_A01, 'hospital-a');

    const input: StagingExecutionInput = { messageId: record.messageId, source: 'hospital-a', rawKey: record.rawKey, attempt: 1 };
    expect(execution).toEqual({ stateMachineArn: TEST_STATE_MACHINE_ARN, name: `${record.messageId}-1`, input });

    expect(normalized).toEqual({ ...input, normalizedKey: `work/normalized/${record.messageId}.1.hl7` });

    const workKey = workStagingKey(record.messageId, 1);
    expect(parsed).toEqual({ messageId: record.messageId, source: 'hospital-a', attempt: 1, outcome: 'staged', workKey, structure: 'ADT_A01' });
    const staging = JSON.parse(Buffer.from((await h.getObject(workKey)).body).toString('utf8')) as Record<string, any>;
    expect(staging.msh.message_control_id).toBe('MSGID10001');
    expect(staging.msh.message_type).toMatchObject({ trigger_event: 'A01' });
    expect(staging._meta).toMatchObject({ structure: 'ADT_A01' });
    // The normalized text stays for a retry of parse; the bucket's lifecycle expires work/.
    expect(await h.objectStore.head(normalized.normalizedKey)).toBeDefined();

    expect(h.published()).toEqual([stagedEvent(record, { workKey, attempt: 1, structure: 'ADT_A01' }, expect.any(String) as unknown as string)]);
    expect(h.topicArns()).toEqual([h.env.HCDL_HUB_TOPIC_ARN]);
  });

  it('a message that cannot be staged ends `failed` with located diagnostics on SNS', async () => {
    const bytes = Buffer.from('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|X1|P|2.5\rEVN|A01|20240101\r1234 garbage\r\x01\x02 more\rPID|1||42^^^H^MR\r', 'latin1');
    const { record, parsed } = await runWorkflow(bytes, 'hospital-b');
    expect(parsed).toEqual({ messageId: record.messageId, source: 'hospital-b', attempt: 1, outcome: 'failed' });
    const [event, ...more] = h.published();
    expect(more).toHaveLength(0);
    expect(event!.attributes).toMatchObject({ event: 'failed', source: 'hospital-b' });
    expect(event!.body).toMatchObject({ messageId: record.messageId, attempt: 1, stage: 'parse' });
    const diagnostics = event!.body.diagnostics as { code: string; severity: string; line?: number }[];
    expect(diagnostics[0]).toMatchObject({ code: 'NON_SEGMENT_LINES', severity: 'error' });
    expect(await h.objectStore.head(workStagingKey(record.messageId, 1))).toBeUndefined();
  });

  it('the trigger starts nothing for an event that is not `ingested`', async () => {
    const record = await h.seedIngested(ADT_A01, { source: 'hospital-a' });
    h.resetCalls();
    await fn.handler(snsEvent([snsPublishOf(stagedEvent(record, { workKey: workStagingKey(record.messageId, 1), attempt: 1 }))]), ctx('trigger'));
    expect(h.executions()).toHaveLength(0);
  });

  it('a task refuses a state that is not one of its own (the execution fails, nothing is written)', async () => {
    await expect(fn.normalize({ messageId: '../../etc', source: 'x', rawKey: 'raw/x', attempt: 1 }, ctx('normalize'))).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(
      fn.parse({ messageId: '01J0000000000000000000000A', source: 'x', rawKey: 'raw/x', attempt: 1, normalizedKey: 'staging/elsewhere' }, ctx('parse')),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('logs ids and counts only, each line naming its step', () => {
    const entries = h.logs.entries();
    const steps = new Set(entries.filter((e) => e.service === 'hcdl-staging-er7').map((e) => e.step));
    expect(steps).toEqual(new Set(['trigger', 'normalize', 'parse']));
    const text = h.logs.text();
    for (const secret of ['DOE', 'JOHN', '100001', '900001', 'MSGID10001', 'PID|', 'garbage']) expect(text).not.toContain(secret);
  });
});
