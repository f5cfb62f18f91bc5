import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { App, TerraformStack, Testing } from 'cdktf';
import { configureBackend } from '../src/backend';
import { ENV_NAME_PATTERN, globalResourceName, resourceName } from '../src/config';
import { loadInfraConfig } from '../src/env';
import { defaultEnvDir, EnvFileSchema, readEnvFile } from '../src/env-file';
import { InfraConfigError, InfraError } from '../src/errors';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A folder of environment files. */
function envDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcdl-env-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files))
    writeFileSync(path.join(dir, `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}
const EMPTY = envDir({});

const load = (environment: Record<string, string>, context?: string, dir = EMPTY) => loadInfraConfig({ environment, context: { env: context }, envDir: dir });
const STATE = { TF_STATE_BUCKET: 'tf-state' };

describe('loadInfraConfig', () => {
  it('defaults to an unprotected dev in us-east-1 with local state, alarms to the alarm topic only, a trail of its own', () => {
    const config = load({});
    expect(config).toMatchObject({
      env: 'dev',
      protected: false,
      region: 'us-east-1',
      rawTransitionDays: 30,
      rawTransitionStorageClass: 'STANDARD_IA',
      logRetentionDays: 14,
      sources: [],
      alarmEmails: [],
      alarmActions: [],
      audit: { trail: 'stack', logRetentionDays: 90 },
    });
    expect(config.stateBackend).toBeUndefined();
    expect(config.rawObjectLock).toBeUndefined();
  });

  it('prod is protected: logs a year, audit logs six years, more traffic', () => {
    const config = load({ HCDL_ENV: 'prod', AWS_REGION: 'eu-central-1', ...STATE });
    expect(config).toMatchObject({
      env: 'prod',
      protected: true,
      region: 'eu-central-1',
      logRetentionDays: 365,
      throttle: { rateLimit: 200, burstLimit: 400 },
      audit: { logRetentionDays: 2192 },
    });
  });

  it('takes the environment from the cdktf context when HCDL_ENV is not set, HCDL_ENV winning', () => {
    expect(load(STATE, 'prod').env).toBe('prod');
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
      HCDL_ALARM_EMAILS: 'oncall@example.org, lab-it@example.org',
      HCDL_AUDIT_TRAIL: 'organization',
      HCDL_AUDIT_LOG_RETENTION_DAYS: '400',
      HCDL_RAW_OBJECT_LOCK_DAYS: '365',
    });
    expect(config).toMatchObject({
      rawTransitionDays: 90,
      rawTransitionStorageClass: 'GLACIER_IR',
      logRetentionDays: 30,
      sources: ['lab', 'adt'],
      throttle: { rateLimit: 5, burstLimit: 10 },
      alarmEmails: ['oncall@example.org', 'lab-it@example.org'],
      audit: { trail: 'organization', logRetentionDays: 400 },
      rawObjectLock: { retentionDays: 365 },
    });
  });

  it.each(['qa', 'uat', 'pr1234', 'dev2', 'perf', 'abcdefghijkl'])('accepts any environment name matching the pattern: %s', (name) => {
    expect(load({ HCDL_ENV: name })).toMatchObject({ env: name, protected: false });
  });

  it.each(['Prod', 'dev-eu', 'dev_eu', 'x', '1dev', 'abcdefghijklm', 'prod '.repeat(2)])('refuses the environment name %j', (name) => {
    expect(() => load({ HCDL_ENV: name })).toThrow(InfraConfigError);
    expect(() => load({ HCDL_ENV: name })).toThrow(ENV_NAME_PATTERN.source);
  });

  it.each([
    [{ HCDL_RAW_TRANSITION_DAYS: '0' }, /HCDL_RAW_TRANSITION_DAYS/],
    [{ HCDL_LOG_RETENTION_DAYS: '1.5' }, /HCDL_LOG_RETENTION_DAYS/],
    [{ HCDL_RAW_STORAGE_CLASS: 'DEEP_ARCHIVE' }, /HCDL_RAW_STORAGE_CLASS/],
    [{ TF_STATE_LOCK_TABLE: 'locks' }, /TF_STATE_BUCKET/],
    [{ HCDL_ALARM_ACTIONS: 'oncall@example.org' }, /HCDL_ALARM_ACTIONS/],
    [{ HCDL_ALARM_EMAILS: 'arn:aws:sns:eu-west-1:123456789012:oncall' }, /HCDL_ALARM_EMAILS/],
    [{ HCDL_AUDIT_TRAIL: 'none' }, /HCDL_AUDIT_TRAIL/],
    [{ HCDL_RAW_OBJECT_LOCK_DAYS: '-1' }, /HCDL_RAW_OBJECT_LOCK_DAYS/],
    [{ AWS_REGION: 'Ireland' }, /AWS_REGION/],
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

  it('refuses a protected environment on local state: prod, or any environment whose file says so', () => {
    expect(() => load({ HCDL_ENV: 'prod' })).toThrow(/environment "prod" is protected and needs remote state/);
    const dir = envDir({ clinical: { protected: true } });
    expect(() => load({ HCDL_ENV: 'clinical' }, undefined, dir)).toThrow(/environment "clinical" is protected and needs remote state/);
    expect(load({ HCDL_ENV: 'clinical', ...STATE }, undefined, dir)).toMatchObject({ protected: true, logRetentionDays: 365 });
  });

  it('prod cannot be unprotected by its file', () => {
    expect(() => load({ HCDL_ENV: 'prod', ...STATE }, undefined, envDir({ prod: { protected: false } }))).toThrow(/always protected/);
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

  it('names regional resources hcdl-<env>-… and global ones (IAM) hcdl-<env>-<region>-…', () => {
    expect(resourceName('prod', 'lake-')).toBe('hcdl-prod-lake-');
    expect(globalResourceName('prod', 'eu-west-1', 'front-door')).toBe('hcdl-prod-eu-west-1-front-door');
    // the longest environment and region names still fit IAM's 64 characters in the longest role name
    expect(globalResourceName('abcdefghijkl', 'ap-southeast-5', 'raw-vault-replication').length).toBeLessThanOrEqual(64);
  });
});

describe('environment files (infra/env/<name>.json)', () => {
  const QA = {
    description: 'QA with the lab feeds',
    region: 'eu-central-1',
    rawTransitionDays: 60,
    rawTransitionStorageClass: 'INTELLIGENT_TIERING',
    logRetentionDays: 90,
    throttle: { rateLimit: 50, burstLimit: 100 },
    sources: ['lab', 'adt'],
    alarmEmails: ['qa-team@example.org'],
    alarmActions: ['arn:aws:sns:eu-central-1:123456789012:qa-oncall'],
    auditTrail: 'organization',
    auditLogRetentionDays: 180,
    rawObjectLockDays: 30,
    fileDrop: { lab: { roles: ['lab-sftp-bridge'] } },
    uploadMaxBytes: 50 * 1024 * 1024,
    mllp: {
      image: '123456789012.dkr.ecr.eu-central-1.amazonaws.com/hcdl-mllp:1.2.3',
      vpcId: 'vpc-0a1b2c3d',
      subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
      certificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab',
      allowedCidrs: ['10.20.0.0/16'],
      listeners: [
        { port: 2575, source: 'lab' },
        { port: 2576, source: 'adt' },
      ],
    },
    stateBackend: { bucket: 'qa-tf-state', lockTable: 'qa-locks' },
  };

  it('give an environment its settings', () => {
    const config = load({ HCDL_ENV: 'qa' }, undefined, envDir({ qa: QA }));
    expect(config).toEqual({
      env: 'qa',
      protected: false,
      region: 'eu-central-1',
      rawTransitionDays: 60,
      rawTransitionStorageClass: 'INTELLIGENT_TIERING',
      logRetentionDays: 90,
      throttle: { rateLimit: 50, burstLimit: 100 },
      sources: ['lab', 'adt'],
      alarmEmails: ['qa-team@example.org'],
      alarmActions: ['arn:aws:sns:eu-central-1:123456789012:qa-oncall'],
      audit: { trail: 'organization', logRetentionDays: 180 },
      rawObjectLock: { retentionDays: 30 },
      fileDrop: { lab: { roles: ['lab-sftp-bridge'] } },
      uploadMaxBytes: 50 * 1024 * 1024,
      mllp: { ...QA.mllp, internal: true, minTasks: 2, maxTasks: 6 },
      stateBackend: { bucket: 'qa-tf-state', lockTable: 'qa-locks', region: 'eu-central-1', keyPrefix: 'hcdl' },
    });
  });

  it('refuses an mllp section whose listeners share a port, or whose task bounds are upside down', () => {
    const twice = { ...QA.mllp, listeners: [...QA.mllp.listeners, { port: 2575, source: 'other' }] };
    expect(() => load({ HCDL_ENV: 'qa' }, undefined, envDir({ qa: { ...QA, mllp: twice } }))).toThrow('each listener needs its own port');
    expect(() => load({ HCDL_ENV: 'qa' }, undefined, envDir({ qa: { ...QA, mllp: { ...QA.mllp, minTasks: 4, maxTasks: 2 } } }))).toThrow('mllp.maxTasks');
    expect(() => load({ HCDL_ENV: 'qa' }, undefined, envDir({ qa: { ...QA, mllp: { ...QA.mllp, allowedCidrs: ['everyone'] } } }))).toThrow(
      'mllp.allowedCidrs.0',
    );
  });

  it('are overridden by the environment variables (AWS_REGION deploys the same environment to another region)', () => {
    const config = load(
      { HCDL_ENV: 'qa', AWS_REGION: 'us-west-2', HCDL_LOG_RETENTION_DAYS: '30', HCDL_SOURCES: 'lab', TF_STATE_BUCKET: 'other-state' },
      undefined,
      envDir({ qa: QA }),
    );
    expect(config).toMatchObject({
      region: 'us-west-2',
      logRetentionDays: 30,
      sources: ['lab'],
      stateBackend: { bucket: 'other-state', lockTable: 'qa-locks' },
    });
  });

  it.each([
    ['not JSON', '{ "protected": true', /is not valid JSON/],
    ['an unknown key', { protected: true, retention: 3 }, /\(file\): Unrecognized key: "retention"/],
    ['a wrong type', { throttle: { rateLimit: '20', burstLimit: 40 } }, /throttle\.rateLimit: /],
    ['a retention CloudWatch refuses', { logRetentionDays: 10 }, /logRetentionDays: one of CloudWatch's retention values/],
    ['a bad email', { alarmEmails: ['oncall'] }, /alarmEmails\.0: /],
    ['a bad region', { region: 'Frankfurt' }, /region: an AWS region/],
  ])('are refused with the problem named when they hold %s', (_, content, message) => {
    const dir = envDir({ qa: content });
    expect(() => load({ HCDL_ENV: 'qa' }, undefined, dir)).toThrow(InfraConfigError);
    expect(() => load({ HCDL_ENV: 'qa' }, undefined, dir)).toThrow(message);
  });

  it('every committed file is valid, named like an environment, and prod is protected', () => {
    const names = readdirSync(defaultEnvDir())
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    expect(names).toEqual(expect.arrayContaining(['dev', 'prod']));
    for (const name of names) {
      expect([name, ENV_NAME_PATTERN.test(name)]).toEqual([name, true]);
      expect(readEnvFile(defaultEnvDir(), name)).toBeDefined();
    }
    const prod = loadInfraConfig({ environment: { HCDL_ENV: 'prod', ...STATE } });
    expect(prod).toMatchObject({ protected: true, rawObjectLock: { retentionDays: 2192 } });
    expect(loadInfraConfig({ environment: { HCDL_ENV: 'dev' } })).toMatchObject({ protected: false });
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
  it('keeps local state per environment, region and stack beside cdktf.json (relative to cdktf.out/stacks/<stack>)', () => {
    expect(backendOf({ HCDL_ENV: 'qa', AWS_REGION: 'eu-west-1' }, 'staging')).toEqual({ local: { path: '../../../terraform.qa.eu-west-1.staging.tfstate' } });
  });

  it('locks S3 state with the native lock file when no lock table is given; the key names environment, region and stack', () => {
    expect(backendOf({ TF_STATE_BUCKET: 'tf-state', AWS_REGION: 'eu-west-1' })).toEqual({
      s3: { bucket: 'tf-state', key: 'hcdl/dev/eu-west-1/core.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  it('locks S3 state with the DynamoDB table when one is given', () => {
    const backend = backendOf({ TF_STATE_BUCKET: 'tf-state', TF_STATE_LOCK_TABLE: 'tf-locks', HCDL_ENV: 'prod', AWS_REGION: 'us-east-2' }, 'front-door');
    expect(backend.s3).toMatchObject({ key: 'hcdl/prod/us-east-2/front-door.tfstate', dynamodb_table: 'tf-locks', encrypt: true });
    expect(backend.s3).not.toHaveProperty('use_lockfile');
  });
});

describe('docs/deploy.md', () => {
  const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/deploy.md'), 'utf8');
  const section = (title: string) => doc.slice(doc.indexOf(`## ${title}`), doc.indexOf('\n## ', doc.indexOf(`## ${title}`) + 3));

  it('documents every variable env.ts reads, in the Configuration table', () => {
    const source = readFileSync(path.resolve(import.meta.dirname, '../src/env.ts'), 'utf8');
    const read = new Set([...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => (m[1] ?? m[2]) as string));
    expect(read.size).toBeGreaterThan(15);
    const table = section('Configuration');
    for (const name of read) expect([name, table.includes(`\`${name}\``)]).toEqual([name, true]);
  });

  it('documents every key of an environment file, in the Environments table', () => {
    const table = section('Environments');
    for (const key of Object.keys(EnvFileSchema.shape).filter((k) => k !== '$schema')) expect([key, table.includes(`\`${key}\``)]).toEqual([key, true]);
  });
});
