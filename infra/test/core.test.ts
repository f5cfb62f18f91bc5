import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CATALOG_TABLE_SCHEMA } from '@hcdl/aws/catalog-schema';
import { SETTINGS } from '@hcdl/lake';
import { Testing } from 'cdktf';
import { ZonePrefix } from '../src/zones';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

let synth: SynthResult;
let core: TfJson;

beforeAll(() => {
  synth = synthAll({ HCDL_RAW_TRANSITION_DAYS: '45', HCDL_RAW_STORAGE_CLASS: 'GLACIER_IR', HCDL_LOG_RETENTION_DAYS: '30' });
  core = synth.json.core;
});
afterAll(() => synth.cleanup());

const bucketNamed = (prefix: string) => findResource(core, 'aws_s3_bucket', (b) => b.bucket_prefix === prefix);

describe('core stack: KMS and buckets', () => {
  it('has one customer-managed key with rotation and an alias', () => {
    expect(Object.keys(resourcesOf(core, 'aws_kms_key'))).toHaveLength(1);
    expect(Testing.toHaveResourceWithProperties(synth.text('core'), 'aws_kms_key', { enable_key_rotation: true, deletion_window_in_days: 7 })).toBe(true);
    expect(Testing.toHaveResourceWithProperties(synth.text('core'), 'aws_kms_alias', { name: 'alias/hcdl-dev-lake' })).toBe(true);
  });

  it('key policy: the account administers through IAM (no kms:*); services use it only for this account, the trail only for itself', () => {
    const key = Object.values(resourcesOf(core, 'aws_kms_key'))[0] as Record<string, unknown>;
    const statements = (JSON.parse(key.policy as string) as { Statement: { Sid: string; Action: string[]; Principal: unknown; Condition?: unknown }[] })
      .Statement;
    expect(statements.map((st) => st.Sid)).toEqual([
      'AccountAdministersAndDelegatesToIam',
      'SnsDeliversToEncryptedQueues',
      'EventBridgeDeliversToEncryptedQueues',
      'CloudWatchLogsEncryptsLogGroups',
      'CloudWatchAlarmsPublishToEncryptedTopic',
      'S3AccessLogsEncrypt',
      'CloudTrailEncryptsLogFiles',
      'CloudTrailDescribesKey',
    ]);
    const account = { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' } };
    expect(statements[2]).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: account,
    });
    expect(statements[4]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: account,
    });
    expect(statements[5]).toMatchObject({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: ['kms:GenerateDataKey*'], Condition: account });
    const trail =
      'arn:${data.aws_partition.partition.partition}:cloudtrail:eu-west-1:${data.aws_caller_identity.account.account_id}:trail/hcdl-dev-data-events';
    expect(statements[6]).toMatchObject({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceArn': trail } } });
    expect(statements[7]).toMatchObject({ Action: ['kms:DescribeKey'], Condition: { StringEquals: { 'aws:SourceArn': trail } } });
    for (const st of statements) expect(st.Action).not.toContain('kms:*');
    expect(statements[0]?.Principal).toEqual({
      AWS: expect.stringMatching(/^arn:\$\{data\.aws_partition\.partition\.partition\}:iam::\$\{data\.aws_caller_identity\.account\.account_id\}:root$/),
    });
    expect(statements[1]).toMatchObject({
      Principal: { Service: 'sns.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' } },
    });
    expect(statements[3]).toMatchObject({
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn':
            'arn:${data.aws_partition.partition.partition}:logs:eu-west-1:${data.aws_caller_identity.account.account_id}:log-group:*',
        },
      },
    });
  });

  it.each(['hcdl-dev-lake-', 'hcdl-dev-artifacts-'])('bucket %s: SSE-KMS with the lake key and a bucket key, versioned, private, TLS only', (prefix) => {
    const bucket = bucketNamed(prefix);
    const id = refTo(core, 'aws_s3_bucket', bucket, 'id');
    const arn = refTo(core, 'aws_s3_bucket', bucket, 'arn');
    const key = `\${aws_kms_key.${Object.keys(resourcesOf(core, 'aws_kms_key'))[0]}.arn}`;
    const sse = findResource(core, 'aws_s3_bucket_server_side_encryption_configuration', (c) => c.bucket === id);
    expect(sse.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: key }, bucket_key_enabled: true }]);
    expect(findResource(core, 'aws_s3_bucket_versioning', (v) => v.bucket === id).versioning_configuration).toEqual({ status: 'Enabled' });
    expect(findResource(core, 'aws_s3_bucket_public_access_block', (p) => p.bucket === id)).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(findResource(core, 'aws_s3_bucket_ownership_controls', (o) => o.bucket === id).rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    const policy = JSON.parse(findResource(core, 'aws_s3_bucket_policy', (p) => p.bucket === id).policy as string) as { Statement: unknown[] };
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    // dev buckets can be destroyed with their content; prod ones cannot (see the prod test)
    expect(bucket).toMatchObject({ force_destroy: true, lifecycle: { prevent_destroy: false } });
  });

  it("sends the lake bucket's object events to EventBridge (the landing stack routes upload/ and landing/ from there)", () => {
    const id = refTo(core, 'aws_s3_bucket', bucketNamed('hcdl-dev-lake-'), 'id');
    expect(findResource(core, 'aws_s3_bucket_notification', (n) => n.bucket === id)).toMatchObject({ bucket: id, eventbridge: true });
    expect(findResource(core, 'aws_s3_bucket_notification', (n) => n.bucket === id).queue).toBeUndefined();
    expect(Object.keys(resourcesOf(core, 'aws_s3_bucket_notification'))).toHaveLength(1);
  });

  it('moves raw/ to the configured storage class after the configured age, expires work/ (the staging hand-offs included)', () => {
    const id = refTo(core, 'aws_s3_bucket', bucketNamed('hcdl-dev-lake-'), 'id');
    const rules = findResource(core, 'aws_s3_bucket_lifecycle_configuration', (l) => l.bucket === id).rule as Record<string, unknown>[];
    expect(rules).toContainEqual({
      id: 'raw-to-cheaper-storage',
      status: 'Enabled',
      filter: [{ prefix: 'raw/' }],
      transition: [{ days: 45, storage_class: 'GLACIER_IR' }],
    });
    const work = rules.find((r) => r.id === 'work-expires-after-a-day') as { filter: { prefix: string }[] };
    expect(work).toMatchObject({ filter: [{ prefix: 'work/' }], expiration: [{ days: 1 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] });
    expect(ZonePrefix.WorkStaging.startsWith(work.filter[0]?.prefix ?? '?')).toBe(true);
    // landed files (uploads, file drops) are removed once ingested; one never ingested goes after the landing DLQ's retention
    for (const prefix of [ZonePrefix.Upload, ZonePrefix.Landing]) {
      expect(rules.find((r) => (r.filter as { prefix: string }[])[0]?.prefix === prefix)).toMatchObject({ expiration: [{ days: 14 }] });
    }
    // no zone is expired
    expect(rules.filter((r) => r.expiration !== undefined).map((r) => r.id)).toEqual(['work-expires-after-a-day', 'upload-expires', 'landing-expires']);
  });
});

describe('core stack: tables and hub', () => {
  it('builds the catalog table from the schema the DynamoDB adapter declares, with PITR and KMS', () => {
    const table = findResource(core, 'aws_dynamodb_table', (t) => t.name === 'hcdl-dev-catalog');
    expect(table).toMatchObject({
      hash_key: CATALOG_TABLE_SCHEMA.partitionKey,
      range_key: CATALOG_TABLE_SCHEMA.sortKey,
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: false,
    });
    expect(table.attribute).toEqual(CATALOG_TABLE_SCHEMA.attributes.map((a) => ({ name: a.name, type: a.type })));
    const gsis = table.global_secondary_index as { name: string; hash_key: string; range_key?: string; projection_type: string }[];
    expect(gsis.map((g) => [g.name, g.hash_key, g.range_key])).toEqual(
      CATALOG_TABLE_SCHEMA.globalSecondaryIndexes.map((g) => [g.indexName, g.partitionKey, g.sortKey]),
    );
    const ttl = (CATALOG_TABLE_SCHEMA as { ttlAttribute?: string }).ttlAttribute;
    expect(table.ttl).toEqual(ttl === undefined ? undefined : { enabled: true, attribute_name: ttl });
  });

  it('idempotency table: key `id`, TTL on `expiration`, PITR and KMS', () => {
    expect(findResource(core, 'aws_dynamodb_table', (t) => t.name === 'hcdl-dev-idempotency')).toMatchObject({
      hash_key: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      ttl: { enabled: true, attribute_name: 'expiration' },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
    });
  });

  it('hub topic is encrypted with the lake key', () => {
    const key = `\${aws_kms_key.${Object.keys(resourcesOf(core, 'aws_kms_key'))[0]}.arn}`;
    expect(findResource(core, 'aws_sns_topic', (t) => t.name === 'hcdl-dev-hub')).toMatchObject({ kms_master_key_id: key });
  });

  it('exposes the lake environment the functions read', () => {
    const env = synth.stacks.core.lakeEnvironment();
    expect(Object.keys(env).sort()).toEqual(['HCDL_CATALOG_TABLE', 'HCDL_HUB_TOPIC_ARN', 'HCDL_IDEMPOTENCY_TABLE', 'HCDL_KMS_KEY_ID', 'HCDL_LAKE_BUCKET']);
    // the names are the ones @hcdl/lake declares (and the functions' env.ts read)
    expect(Object.keys(env).sort()).toEqual(
      [SETTINGS.catalogTable.env, SETTINGS.hubTopicArn.env, SETTINGS.idempotencyTable.env, SETTINGS.kmsKeyId.env, SETTINGS.lakeBucket.env].sort(),
    );
  });
});

describe('core stack: data only', () => {
  it('holds no function, role, queue or subscription: those live with the service that runs them', () => {
    for (const type of ['aws_lambda_function', 'aws_iam_role', 'aws_iam_role_policy', 'aws_sqs_queue', 'aws_sns_topic_subscription', 'aws_lambda_permission']) {
      expect([type, resourcesOf(core, type)]).toEqual([type, {}]);
    }
  });

  it('outputs what the other stacks reference: bucket, key, tables and topic', () => {
    const outputs = Object.keys(core.output ?? {}).join('\n');
    for (const ref of ['aws_s3_bucketlake_bucket', 'aws_kms_keylake-key', 'aws_dynamodb_tablecatalog', 'aws_dynamodb_tableidempotency', 'aws_sns_topichub']) {
      expect([ref, outputs.includes(`cross-stack-output-${ref}`)]).toEqual([ref, true]);
    }
    expect(outputs).not.toMatch(/aws_lambda_function/);
  });
});

describe('core stack: prod', () => {
  it('protects data: retained buckets, deletion-protected tables, 30-day key deletion window', () => {
    const prod = synthAll({ HCDL_ENV: 'prod', TF_STATE_BUCKET: 'tf-state' });
    try {
      const json = prod.json.core;
      for (const bucket of Object.values(resourcesOf(json, 'aws_s3_bucket')))
        expect(bucket).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
      for (const table of Object.values(resourcesOf(json, 'aws_dynamodb_table'))) expect(table.deletion_protection_enabled).toBe(true);
      expect(Testing.toHaveResourceWithProperties(prod.text('core'), 'aws_kms_key', { deletion_window_in_days: 30 })).toBe(true);
      expect(Testing.toHaveResourceWithProperties(prod.text('core'), 'aws_dynamodb_table', { name: 'hcdl-prod-catalog' })).toBe(true);
    } finally {
      prod.cleanup();
    }
  });
});

describe('core stack: snapshot', () => {
  it('matches the reviewed synthesized JSON', () => {
    expect(core).toMatchSnapshot();
  });
});
