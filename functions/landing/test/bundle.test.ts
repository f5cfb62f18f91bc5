/**
 * The landing Lambda bundle (dist/index.mjs) as deployed: an SQS batch of S3 Object Created
 * events (EventBridge → landing queue), against s3rver and dynalite on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { lambdaContext, s3ObjectCreatedEvent, sqsEventOf } from '../../../packages/aws/test/loader/support/events';
import { startLambdaHarness, TEST_BUCKET, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';

type Handler = (event: unknown, context: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
const ADT = (control: string) =>
  `MSH|^~\\&|ADT|HOSP|HCDL|LAKE|20240102030405||ADT^A01^ADT_A01|${control}|P|2.5\rEVN|A01|20240102030405\rPID|1||${control}-MRN^^^HOSP^MR||DOE^JANE||19800101|F\r`;

describe('landing Lambda bundle', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let handler: Handler;
  const land = (events: unknown[]) => handler(sqsEventOf(events), lambdaContext('hcdl-dev-landing'));

  beforeAll(async () => {
    h = await startLambdaHarness({ idempotency: true, env: { HCDL_FILE_DROP_SOURCES: 'lab', HCDL_CATALOG_MIRROR: 'true' } });
    bundle = await buildFunctionBundle('landing');
    ({ handler } = await bundle.load<{ handler: Handler }>());
  }, 120_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is under the 250 KB budget, without the HL7 dictionary (it splits and hashes, never parses)', () => {
    expect(bundle.bytes).toBeLessThan(bundle.maxBytes);
    expect(readFileSync(bundle.outfile, 'utf8')).not.toContain('brotliDecompressSync');
  });

  it('ingests a dropped batch file; drops what is not an S3 event; reports a file that fails', async () => {
    const file = Buffer.from(`BHS|^~\\&\r${ADT('L-1')}${ADT('L-2')}BTS|2\r`, 'latin1');
    const key = 'landing/source=lab/in/batch.hl7';
    await h.objectStore.put({ key, body: file });
    h.resetCalls();
    const good = s3ObjectCreatedEvent({ bucket: TEST_BUCKET, key, size: file.byteLength, versionId: 'v1' });
    const out = await land([good, 'not json', { source: 'aws.s3', 'detail-type': 'Object Deleted' }]);
    expect(out).toEqual({ batchItemFailures: [] });
    expect((await h.catalog.listMessages({ source: 'lab' })).items.map((r) => r.controlId)).toEqual(['L-1', 'L-2']);
    expect(h.published().map((e) => e.attributes.event)).toEqual(['ingested', 'ingested']);
    expect(await h.objectStore.head(key)).toBeUndefined();

    const broken = 'landing/source=lab/in/broken.hl7';
    await h.objectStore.put({ key: broken, body: Buffer.from(ADT('L-3'), 'latin1') });
    h.failS3GetOnce(broken);
    const event = sqsEventOf([s3ObjectCreatedEvent({ bucket: TEST_BUCKET, key: broken, size: 100, versionId: 'v1' })]);
    const failed = await handler(event, lambdaContext('hcdl-dev-landing'));
    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: (event.Records[0] as { messageId: string }).messageId }] });
  });
});
