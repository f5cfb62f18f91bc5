import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { App, TerraformStack, Testing } from 'cdktf';
import { configureBackend } from '../src/backend';
import { resourceName } from '../src/config';
import { loadInfraConfig } from '../src/env';
import { InfraConfigError, InfraError } from '../src/errors';

const load = (environment: Record<string, string>, context?: string) => loadInfraConfig({ environment, context: { env: context } });

describe('loadInfraConfig', () => {
  it('defaults to dev in us-east-1 with local state', () => {
    const config = load({});
    expect(config).toMatchObject({
      env: 'dev',
      region: 'us-east-1',
      rawTransitionDays: 30,
      rawTransitionStorageClass: 'STANDARD_IA',
      logRetentionDays: 14,
      sources: [],
    });
    expect(config.stateBackend).toBeUndefined();
  });

  it('prod keeps logs a year and allows more traffic', () => {
    const config = load({ HCDL_ENV: 'prod', AWS_REGION: 'eu-central-1' });
    expect(config).toMatchObject({ env: 'prod', region: 'eu-central-1', logRetentionDays: 365, throttle: { rateLimit: 200, burstLimit: 400 } });
  });

  it('takes the environment from the cdktf context when HCDL_ENV is not set, HCDL_ENV winning', () => {
    expect(load({}, 'prod').env).toBe('prod');
    expect(load({ HCDL_ENV: 'dev' }, 'prod').env).toBe('dev');
  });

  it('reads the tunables', () => {
    const config = load({
      HCDL_RAW_TRANSITION_DAYS: '90',
      HCDL_RAW_STORAGE_CLASS: 'GLACIER_IR',
      HCDL_LOG_RETENTION_DAYS: '30',
      HCDL_SOURCES: ' lab, adt ,,',
      HCDL_API_RATE_LIMIT: '5',
      HCDL_API_BURST_LIMIT: '10',
    });
    expect(config).toMatchObject({
      rawTransitionDays: 90,
      rawTransitionStorageClass: 'GLACIER_IR',
      logRetentionDays: 30,
      sources: ['lab', 'adt'],
      throttle: { rateLimit: 5, burstLimit: 10 },
    });
  });

  it.each([
    [{ HCDL_ENV: 'staging' }, /HCDL_ENV/],
    [{ HCDL_RAW_TRANSITION_DAYS: '0' }, /HCDL_RAW_TRANSITION_DAYS/],
    [{ HCDL_LOG_RETENTION_DAYS: '1.5' }, /HCDL_LOG_RETENTION_DAYS/],
    [{ HCDL_RAW_STORAGE_CLASS: 'DEEP_ARCHIVE' }, /HCDL_RAW_STORAGE_CLASS/],
    [{ TF_STATE_LOCK_TABLE: 'locks' }, /TF_STATE_BUCKET/],
    [{ HCDL_ALARM_ACTIONS: 'oncall@example.org' }, /HCDL_ALARM_ACTIONS/],
  ])('refuses %j with a typed error naming the variable', (environment, message) => {
    expect(() => load(environment)).toThrow(InfraConfigError);
    expect(() => load(environment)).toThrow(message);
    expect(() => load(environment)).toThrow(InfraError);
  });

  it('uses S3 state when TF_STATE_BUCKET is set', () => {
    expect(load({ TF_STATE_BUCKET: 'tf-state', AWS_REGION: 'eu-west-1' }).stateBackend).toEqual({ bucket: 'tf-state', region: 'eu-west-1', keyPrefix: 'hcdl' });
    expect(load({ TF_STATE_BUCKET: 'tf-state', TF_STATE_LOCK_TABLE: 'locks', TF_STATE_REGION: 'us-west-2', TF_STATE_KEY_PREFIX: 'lake' }).stateBackend).toEqual(
      {
        bucket: 'tf-state',
        region: 'us-west-2',
        keyPrefix: 'lake',
        lockTable: 'locks',
      },
    );
  });

  it('reads the alarm targets as a list of ARNs', () => {
    expect(load({}).alarmActions).toEqual([]);
    expect(load({ HCDL_ALARM_ACTIONS: 'arn:aws:sns:eu-west-1:123456789012:oncall, arn:aws:sns:eu-west-1:123456789012:ops' }).alarmActions).toEqual([
      'arn:aws:sns:eu-west-1:123456789012:oncall',
      'arn:aws:sns:eu-west-1:123456789012:ops',
    ]);
  });

  it('takes prebuilt bundles from HCDL_BUNDLES_DIR, resolved to an absolute folder', () => {
    expect(load({}).bundlesDir).toBeUndefined();
    expect(load({ HCDL_BUNDLES_DIR: 'artifacts/functions' }).bundlesDir).toBe(path.resolve('artifacts/functions'));
  });

  it('prefixes every resource name with the environment', () => {
    expect(resourceName('prod', 'lake-')).toBe('hcdl-prod-lake-');
  });
});

function backendOf(environment: Record<string, string>, stackName = 'core'): Record<string, Record<string, unknown>> {
  const app = Testing.app();
  const stack = new TerraformStack(app as App, stackName);
  configureBackend(stack, stackName, load(environment));
  const json = JSON.parse(Testing.synth(stack)) as { terraform: { backend: Record<string, Record<string, unknown>> } };
  return json.terraform.backend;
}

describe('configureBackend', () => {
  it('keeps local state per environment and stack beside cdktf.json (relative to cdktf.out/stacks/<stack>)', () => {
    expect(backendOf({ HCDL_ENV: 'prod' }, 'staging')).toEqual({ local: { path: '../../../terraform.prod.staging.tfstate' } });
  });

  it('locks S3 state with the native lock file when no lock table is given', () => {
    expect(backendOf({ TF_STATE_BUCKET: 'tf-state', AWS_REGION: 'eu-west-1' })).toEqual({
      s3: { bucket: 'tf-state', key: 'hcdl/dev/core.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  it('locks S3 state with the DynamoDB table when one is given', () => {
    const backend = backendOf({ TF_STATE_BUCKET: 'tf-state', TF_STATE_LOCK_TABLE: 'tf-locks', HCDL_ENV: 'prod' }, 'front-door');
    expect(backend.s3).toMatchObject({ key: 'hcdl/prod/front-door.tfstate', dynamodb_table: 'tf-locks', encrypt: true });
    expect(backend.s3).not.toHaveProperty('use_lockfile');
  });
});
