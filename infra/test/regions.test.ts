import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resourcesOf, synthAll, type SynthResult } from './support/synth';

// IAM roles and policies are global to the account; buckets are global to all of S3. Every
// other resource the stacks create is regional.
const IAM_TYPES = ['aws_iam_role', 'aws_iam_policy'] as const;

let ireland: SynthResult;
let virginia: SynthResult;
beforeAll(() => {
  ireland = synthAll({ HCDL_ENV: 'qa', AWS_REGION: 'eu-west-1' });
  virginia = synthAll({ HCDL_ENV: 'qa', AWS_REGION: 'us-east-1' });
});
afterAll(() => {
  ireland.cleanup();
  virginia.cleanup();
});

const globalNames = (synth: SynthResult) =>
  Object.values(synth.json).flatMap((stack) => IAM_TYPES.flatMap((type) => Object.values(resourcesOf(stack, type)).map((r) => String(r.name))));

describe('one environment in two regions of one account', () => {
  it('names every IAM role and policy hcdl-<env>-<region>-…, so the two deployments share none', () => {
    const a = globalNames(ireland);
    const b = globalNames(virginia);
    expect(a.length).toBeGreaterThanOrEqual(7);
    for (const name of a) expect(name).toMatch(/^hcdl-qa-eu-west-1-[a-z-]+$/);
    for (const name of b) expect(name).toMatch(/^hcdl-qa-us-east-1-[a-z-]+$/);
    expect(a.filter((name) => b.includes(name))).toEqual([]);
    for (const name of [...a, ...b]) expect(name.length).toBeLessThanOrEqual(64);
  });

  it('lets Terraform make bucket names unique (a prefix, never a fixed name)', () => {
    for (const synth of [ireland, virginia]) {
      for (const bucket of Object.values(synth.json).flatMap((stack) => Object.values(resourcesOf(stack, 'aws_s3_bucket')))) {
        expect(bucket.bucket).toBeUndefined();
        expect(String(bucket.bucket_prefix)).toMatch(/^hcdl-qa-[a-z-]+-$/);
      }
    }
  });

  it('keeps the two deployments in separate state', () => {
    const pathOf = (synth: SynthResult) => (synth.json.core.terraform?.backend?.local as { path: string }).path;
    expect(pathOf(ireland)).toBe('../../../terraform.qa.eu-west-1.core.tfstate');
    expect(pathOf(virginia)).toBe('../../../terraform.qa.us-east-1.core.tfstate');
  });
});
