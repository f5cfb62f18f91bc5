/**
 * The sweeper Lambda bundle (dist/index.mjs) as deployed, run with its schedule's input against
 * dynalite, the SNS and SQS mocks of the harness: its metrics in CloudWatch embedded metric format.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { lambdaContext, schedulerInput } from '../../../packages/aws/test/loader/support/events';
import { startLambdaHarness, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';

type Handler = (input: unknown, context: unknown) => Promise<{ resume: { resumed: number; oldestAgeSeconds: number } }>;

describe('sweeper Lambda bundle', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let handler: Handler;

  beforeAll(async () => {
    h = await startLambdaHarness({ env: { HCDL_METRICS_NAMESPACE: 'HCDL/test' } });
    bundle = await buildFunctionBundle('sweeper');
    ({ handler } = await bundle.load<{ handler: Handler }>());
  }, 120_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is small: no parser, no idempotency layer, no S3', () => {
    expect(bundle.bytes).toBeLessThan(bundle.maxBytes);
    const code = readFileSync(bundle.outfile, 'utf8');
    expect(code).not.toContain('INPROGRESS');
    expect(code).not.toContain('brotliDecompressSync');
    expect(code).not.toContain('@aws-sdk/client-s3');
  });

  it('on a lake with nothing waiting: no publish, no dead letter touched, the oldest age 0 as a metric', async () => {
    h.resetCalls();
    const out = await handler(schedulerInput(), lambdaContext('hcdl-dev-sweeper'));
    expect(out.resume).toMatchObject({ resumed: 0, oldestAgeSeconds: 0 });
    expect(h.publishes()).toEqual([]);
    expect(h.calls().sqs).toEqual({ ReceiveMessageCommand: 1 });
    const emf = h.logs.entries().find((e) => '_aws' in e);
    expect(emf).toMatchObject({ OldestIngestedAgeSeconds: 0, ResumedMessages: 0, service: 'sweeper' });
    expect((emf?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'HCDL/test',
      Dimensions: [['service']],
    });
  });

  it('with a row waiting two hours: published again, its updatedAt moved, the age reported', async () => {
    const row = await h.seedIngested(Buffer.from('MSH|^~\\&|A|B|C|D|20240102||ADT^A01|W-1|P|2.5\r', 'latin1'), {
      source: 'lab',
      messageType: 'ADT^A01',
      at: new Date(Date.now() - 2 * 3600_000),
    });
    h.resetCalls();
    const out = await handler(schedulerInput(), lambdaContext('hcdl-dev-sweeper'));
    expect(out.resume.resumed).toBe(1);
    expect(out.resume.oldestAgeSeconds).toBeGreaterThanOrEqual(7200);
    expect(h.published().map((e) => [e.attributes.event, e.body.messageId])).toEqual([['ingested', row.messageId]]);
    expect(Date.parse((await h.catalog.getMessage(row.messageId))?.updatedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    // Published again at once, it is not published again by the next sweep.
    h.resetCalls();
    expect((await handler(schedulerInput(), lambdaContext('hcdl-dev-sweeper'))).resume.resumed).toBe(0);
  });
});
