/**
 * The refined Lambda bundle (dist/index.mjs) as deployed: within the size budget, without
 * what it never uses, and reading its configuration on the first invocation.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

describe('refined Lambda bundle', () => {
  let bundle: BuiltBundle;
  let handler: Handler;

  beforeAll(async () => {
    bundle = await buildFunctionBundle('refined');
    ({ handler } = await bundle.load<{ handler: Handler }>());
  }, 120_000);
  afterAll(() => {
    bundle?.remove();
  });

  it('is within the budget and holds the FHIR mapping but no idempotency layer, SNS or SQS client', () => {
    expect(bundle.bytes).toBeLessThan(bundle.maxBytes);
    const code = readFileSync(bundle.outfile, 'utf8');
    expect(code).toContain('hcdl.fhir');
    expect(code).toContain('FHIR Resource Created');
    expect(code).not.toContain('INPROGRESS');
    expect(code).not.toContain('@aws-sdk/client-sns');
    expect(code).not.toContain('@aws-sdk/client-sqs');
  });

  it('reads its configuration on the first invocation and names every missing variable', async () => {
    const saved = { ...process.env };
    for (const name of ['HCDL_LAKE_BUCKET', 'HCDL_CATALOG_TABLE', 'HCDL_RESOURCE_TABLE', 'HCDL_REFINED_BUS_NAME']) delete process.env[name];
    process.env.AWS_REGION = 'eu-west-1';
    try {
      await expect(handler({ Records: [] }, {})).rejects.toMatchObject({
        name: 'LambdaConfigError',
        variables: ['HCDL_LAKE_BUCKET', 'HCDL_CATALOG_TABLE', 'HCDL_RESOURCE_TABLE', 'HCDL_REFINED_BUS_NAME'],
      });
    } finally {
      process.env = saved;
    }
  });
});
