/**
 * The HIPAA-grade controls of docs/compliance.md, each checked on the synthesized JSON: the
 * data-event trail (or the organization trail's selectors), S3 server access logs, Cognito
 * MFA, threat protection and SRP, and the raw zone's Object Lock vault. (The alarm topic is
 * checked in alarms.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allowedActions, encryptionViolations, grantViolations, policyDocuments, roleStatements } from './support/policies';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

let dev: SynthResult;
let org: SynthResult;
let vaulted: SynthResult;
beforeAll(() => {
  dev = synthAll();
  org = synthAll({ HCDL_AUDIT_TRAIL: 'organization' });
  vaulted = synthAll({ HCDL_RAW_OBJECT_LOCK_DAYS: '365', HCDL_AUDIT_LOG_RETENTION_DAYS: '400' });
});
afterAll(() => {
  for (const s of [dev, org, vaulted]) s.cleanup();
});

const bucketByPrefix = (core: TfJson, prefix: string) => findResource(core, 'aws_s3_bucket', (b) => b.bucket_prefix === prefix);
const arnOf = (core: TfJson, prefix: string) => refTo(core, 'aws_s3_bucket', bucketByPrefix(core, prefix), 'arn');
const idOf = (core: TfJson, prefix: string) => refTo(core, 'aws_s3_bucket', bucketByPrefix(core, prefix), 'id');
const tableArn = (core: TfJson, name: string) =>
  refTo(
    core,
    'aws_dynamodb_table',
    findResource(core, 'aws_dynamodb_table', (t) => t.name === name),
    'arn',
  );
const lakeKey = (core: TfJson) => `\${aws_kms_key.${Object.keys(resourcesOf(core, 'aws_kms_key'))[0]}.arn}`;
const bucketPolicy = (core: TfJson, prefix: string) =>
  (JSON.parse(String(findResource(core, 'aws_s3_bucket_policy', (p) => p.bucket === idOf(core, prefix)).policy)) as { Statement: Record<string, unknown>[] })
    .Statement;
const lifecycleOf = (core: TfJson, prefix: string) =>
  findResource(core, 'aws_s3_bucket_lifecycle_configuration', (l) => l.bucket === idOf(core, prefix)).rule as Record<string, unknown>[];
const TRAIL_ARN =
  'arn:${data.aws_partition.partition.partition}:cloudtrail:eu-west-1:${data.aws_caller_identity.account.account_id}:trail/hcdl-dev-data-events';
const ACCOUNT = '${data.aws_caller_identity.account.account_id}';

describe('CloudTrail: every data event on the lake', () => {
  it('a trail records every read and write of the objects of the lake and artifact buckets and of the items of both tables', () => {
    const core = dev.json.core;
    const trail = findResource(core, 'aws_cloudtrail', () => true);
    expect(trail).toMatchObject({
      name: 'hcdl-dev-data-events',
      s3_bucket_name: idOf(core, 'hcdl-dev-trail-'),
      kms_key_id: lakeKey(core),
      enable_log_file_validation: true,
      enable_logging: true,
    });
    expect(trail.advanced_event_selector).toEqual([
      {
        name: 'HCDL lake objects: every read and write',
        field_selector: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::S3::Object'] },
          { field: 'resources.ARN', starts_with: [`${arnOf(core, 'hcdl-dev-lake-')}/`, `${arnOf(core, 'hcdl-dev-artifacts-')}/`] },
        ],
      },
      {
        name: 'HCDL catalog and idempotency items: every read and write',
        field_selector: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::DynamoDB::Table'] },
          { field: 'resources.ARN', equals: [tableArn(core, 'hcdl-dev-catalog'), tableArn(core, 'hcdl-dev-idempotency')] },
        ],
      },
    ]);
    // no readOnly selector: reads of patient data are recorded as well as writes
    expect(JSON.stringify(trail.advanced_event_selector)).not.toContain('readOnly');
  });

  it("the trail's bucket takes log files from this trail only, keeps them the audit retention, and is itself access-logged", () => {
    const core = dev.json.core;
    const arn = arnOf(core, 'hcdl-dev-trail-');
    const statements = bucketPolicy(core, 'hcdl-dev-trail-');
    expect(statements.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'CloudTrailAclCheck', 'CloudTrailWrite']);
    expect(statements[2]).toEqual({
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: [`${arn}/AWSLogs/${ACCOUNT}/*`],
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    });
    expect(statements[1]).toMatchObject({ Action: ['s3:GetBucketAcl'], Resource: [arn], Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } } });
    expect(lifecycleOf(core, 'hcdl-dev-trail-')).toEqual([expect.objectContaining({ expiration: [{ days: 90 }] })]);
    const trail = findResource(core, 'aws_cloudtrail', () => true);
    const policyId = Object.entries(resourcesOf(core, 'aws_s3_bucket_policy')).find(([, p]) => p.bucket === idOf(core, 'hcdl-dev-trail-'))?.[0];
    expect(trail.depends_on).toEqual([`aws_s3_bucket_policy.${policyId}`]);
  });

  it('with HCDL_AUDIT_TRAIL=organization: no trail of its own, and the selectors the organization trail needs as an output', () => {
    const core = org.json.core;
    expect(resourcesOf(core, 'aws_cloudtrail')).toEqual({});
    expect(Object.values(resourcesOf(core, 'aws_s3_bucket')).map((b) => b.bucket_prefix)).not.toContain('hcdl-dev-trail-');
    const key = JSON.parse(String(Object.values(resourcesOf(core, 'aws_kms_key'))[0]?.policy)) as { Statement: { Sid: string }[] };
    expect(key.Statement.map((s) => s.Sid).filter((sid) => sid.startsWith('CloudTrail'))).toEqual([]);
    const selectors = JSON.parse(String(core.output?.organization_trail_selectors?.value)) as { Name: string; FieldSelectors: Record<string, unknown>[] }[];
    expect(selectors).toEqual([
      {
        Name: 'HCDL lake objects: every read and write',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: [`${arnOf(core, 'hcdl-dev-lake-')}/`, `${arnOf(core, 'hcdl-dev-artifacts-')}/`] },
        ],
      },
      {
        Name: 'HCDL catalog and idempotency items: every read and write',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
          { Field: 'resources.ARN', Equals: [tableArn(core, 'hcdl-dev-catalog'), tableArn(core, 'hcdl-dev-idempotency')] },
        ],
      },
    ]);
  });
});

describe('S3 server access logs', () => {
  it('every bucket but the log bucket logs its requests into the log bucket, each under its own prefix', () => {
    for (const [synth, sources] of [
      [dev, { 'hcdl-dev-lake-': 'lake/', 'hcdl-dev-artifacts-': 'artifacts/', 'hcdl-dev-trail-': 'trail/' }],
      [vaulted, { 'hcdl-dev-lake-': 'lake/', 'hcdl-dev-artifacts-': 'artifacts/', 'hcdl-dev-trail-': 'trail/', 'hcdl-dev-raw-vault-': 'raw-vault/' }],
    ] as const) {
      const core = synth.json.core;
      const logs = idOf(core, 'hcdl-dev-access-logs-');
      const logging = Object.values(resourcesOf(core, 'aws_s3_bucket_logging'));
      const expected = Object.entries(sources).map(([prefix, target]) => ({
        bucket: idOf(core, prefix),
        target_bucket: logs,
        target_prefix: target,
        target_object_key_format: { partitioned_prefix: { partition_date_source: 'EventTime' } },
      }));
      expect(logging).toEqual(expect.arrayContaining(expected.map((e) => expect.objectContaining(e))));
      expect(logging).toHaveLength(expected.length);
      // every bucket of every stack is covered
      const buckets = Object.values(synth.json).flatMap((s) => Object.values(resourcesOf(s, 'aws_s3_bucket')).map((b) => b.bucket_prefix));
      expect(buckets.sort()).toEqual([...Object.keys(sources), 'hcdl-dev-access-logs-'].sort());
    }
  });

  it('only S3 log delivery writes there, only for those buckets of this account; logs are kept the audit retention', () => {
    const core = vaulted.json.core;
    const arn = arnOf(core, 'hcdl-dev-access-logs-');
    expect(bucketPolicy(core, 'hcdl-dev-access-logs-')[1]).toEqual({
      Sid: 'S3ServerAccessLogsDelivery',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: [`${arn}/*`],
      Condition: {
        ArnLike: { 'aws:SourceArn': ['hcdl-dev-lake-', 'hcdl-dev-artifacts-', 'hcdl-dev-raw-vault-', 'hcdl-dev-trail-'].map((p) => arnOf(core, p)) },
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
      },
    });
    expect(lifecycleOf(core, 'hcdl-dev-access-logs-')).toEqual([expect.objectContaining({ expiration: [{ days: 400 }] })]);
    expect(encryptionViolations(vaulted.json)).toEqual([]);
  });
});

describe('Cognito: MFA, threat protection, SRP only', () => {
  it('every sign-in needs a TOTP second factor; threat protection blocks risky sign-ins', () => {
    const pool = findResource(dev.json['front-door'], 'aws_cognito_user_pool', () => true);
    expect(pool).toMatchObject({
      mfa_configuration: 'ON',
      software_token_mfa_configuration: { enabled: true },
      user_pool_tier: 'PLUS',
      user_pool_add_ons: { advanced_security_mode: 'ENFORCED' },
    });
  });

  it('the app client signs in with SRP only: no password flow, no admin or custom flow', () => {
    const client = findResource(dev.json['front-door'], 'aws_cognito_user_pool_client', () => true);
    expect(client.explicit_auth_flows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });
});

describe('raw zone Object Lock vault (HCDL_RAW_OBJECT_LOCK_DAYS)', () => {
  it('is off by default: no vault, no replication', () => {
    const core = dev.json.core;
    expect(Object.values(resourcesOf(core, 'aws_s3_bucket')).some((b) => b.object_lock_enabled === true)).toBe(false);
    expect(resourcesOf(core, 'aws_s3_bucket_replication_configuration')).toEqual({});
  });

  it('keeps a locked copy of every raw object: a bucket created with Object Lock, governance retention by config', () => {
    const core = vaulted.json.core;
    const vault = bucketByPrefix(core, 'hcdl-dev-raw-vault-');
    expect(vault.object_lock_enabled).toBe(true);
    expect(findResource(core, 'aws_s3_bucket_object_lock_configuration', (l) => l.bucket === idOf(core, 'hcdl-dev-raw-vault-')).rule).toEqual({
      default_retention: { mode: 'GOVERNANCE', days: 365 },
    });
    // the lake bucket itself is not locked: staging/, work/ and the catalog mirror stay deletable
    expect(bucketByPrefix(core, 'hcdl-dev-lake-').object_lock_enabled).toBeUndefined();
    const replication = findResource(core, 'aws_s3_bucket_replication_configuration', () => true);
    expect(replication).toMatchObject({
      bucket: idOf(core, 'hcdl-dev-lake-'),
      rule: [
        {
          id: 'raw-to-vault',
          status: 'Enabled',
          filter: { prefix: 'raw/' },
          delete_marker_replication: { status: 'Disabled' },
          source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
          destination: { bucket: arnOf(core, 'hcdl-dev-raw-vault-'), encryption_configuration: { replica_kms_key_id: lakeKey(core) } },
        },
      ],
    });
    expect(lifecycleOf(core, 'hcdl-dev-raw-vault-')).toEqual([expect.objectContaining({ expiration: [{ days: 365 }] })]);
    // the vault's objects are data events of the trail too
    const trail = JSON.stringify(findResource(core, 'aws_cloudtrail', () => true).advanced_event_selector);
    expect(trail).toContain(`${arnOf(core, 'hcdl-dev-raw-vault-')}/`);
  });

  it('the replication role copies raw/ into the vault and nothing else; no role can delete a copy or shorten its retention', () => {
    const core = vaulted.json.core;
    const statements = roleStatements(vaulted.json, 'hcdl-dev-eu-west-1-raw-vault-replication');
    const lake = arnOf(core, 'hcdl-dev-lake-');
    const vault = arnOf(core, 'hcdl-dev-raw-vault-');
    expect(statements.map((s) => [s.Sid, s.Resource])).toEqual([
      ['ReadReplicationRule', [lake]],
      ['ReadRawVersions', [`${lake}/raw/*`]],
      ['WriteCopies', [`${vault}/raw/*`]],
      ['UseLakeKeyThroughS3', [lakeKey(core)]],
    ]);
    expect(allowedActions(statements)).not.toContain('s3:ReplicateDelete');
    const replication = findResource(core, 'aws_s3_bucket_replication_configuration', () => true);
    const role = findResource(core, 'aws_iam_role', (r) => r.name === 'hcdl-dev-eu-west-1-raw-vault-replication');
    expect(replication.role).toBe(refTo(core, 'aws_iam_role', role, 'arn'));
    const all = policyDocuments(vaulted.json);
    for (const forbidden of ['s3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutBucketObjectLockConfiguration', 's3:DeleteObjectVersion']) {
      expect([forbidden, all.flatMap((p) => allowedActions(p.statements)).filter((a) => a === forbidden || a === 's3:*')]).toEqual([forbidden, []]);
    }
    expect(grantViolations(all)).toEqual([]);
  });

  it('prod has the vault its environment file asks for', () => {
    const prod = synthAll({ HCDL_ENV: 'prod', TF_STATE_BUCKET: 'tf-state' });
    try {
      const core = prod.json.core;
      expect(findResource(core, 'aws_s3_bucket_object_lock_configuration', () => true).rule).toEqual({ default_retention: { mode: 'GOVERNANCE', days: 2192 } });
      expect(bucketByPrefix(core, 'hcdl-prod-raw-vault-')).toMatchObject({ object_lock_enabled: true, lifecycle: { prevent_destroy: true } });
      expect(findResource(core, 'aws_cloudtrail', () => true)).toMatchObject({ name: 'hcdl-prod-data-events' });
      expect(lifecycleOf(core, 'hcdl-prod-trail-')).toEqual([expect.objectContaining({ expiration: [{ days: 2192 }] })]);
    } finally {
      prod.cleanup();
    }
  });
});
