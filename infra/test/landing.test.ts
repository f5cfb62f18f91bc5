import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uploadKey } from '@hcdl/core';
import { rawKey } from '@hcdl/lake';
import { LANDING_MAX_RECEIVES, LANDING_TIMEOUT_SECONDS, LANDING_VISIBILITY_SECONDS } from '../src/stacks/landing';
import { allowsOnObject, encryptionViolations, grantViolations, policyDocuments, roleStatements, type Statement } from './support/policies';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

const ENV_FILE = {
  sources: ['lab', 'adt'],
  fileDrop: { lab: { roles: ['lab-sftp-bridge', 'lab-batch'] }, adt: { roles: [] } },
};

let synth: SynthResult;
let ld: TfJson;
beforeAll(() => {
  synth = synthAll({}, { envFile: ENV_FILE });
  ld = synth.json.landing;
});
afterAll(() => synth.cleanup());

const fn = () => findResource(ld, 'aws_lambda_function', (f) => f.function_name === 'hcdl-dev-landing');
const queue = () => findResource(ld, 'aws_sqs_queue', (q) => q.name === 'hcdl-dev-landing');
const dlq = () => findResource(ld, 'aws_sqs_queue', (q) => q.name === 'hcdl-dev-landing-dlq');
const rule = () => findResource(ld, 'aws_cloudwatch_event_rule', () => true);
const LAKE_BUCKET_NAME =
  /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-core\.outputs\.cross-stack-output-aws_s3_bucketlake_bucket_[0-9A-F]+bucket\}$/;

describe('landing stack: events to the queue', () => {
  it("routes the lake bucket's Object Created events under upload/ and landing/ to the landing queue, and nothing else", () => {
    const pattern = JSON.parse(String(rule().event_pattern)) as {
      source: string[];
      'detail-type': string[];
      detail: { bucket: { name: string[] }; object: { key: { prefix: string }[] } };
    };
    expect(pattern.source).toEqual(['aws.s3']);
    expect(pattern['detail-type']).toEqual(['Object Created']);
    expect(pattern.detail.bucket.name).toEqual([expect.stringMatching(LAKE_BUCKET_NAME)]);
    expect(pattern.detail.object.key).toEqual([{ prefix: 'upload/' }, { prefix: 'landing/' }]);
    expect(findResource(ld, 'aws_cloudwatch_event_target', () => true)).toMatchObject({
      rule: refTo(ld, 'aws_cloudwatch_event_rule', rule(), 'name'),
      arn: refTo(ld, 'aws_sqs_queue', queue(), 'arn'),
    });
  });

  it('only that rule may send to the queue; the queue and its dead-letter queue are encrypted with the lake key', () => {
    const policy = JSON.parse(String(findResource(ld, 'aws_sqs_queue_policy', () => true).policy)) as { Statement: Statement[] };
    expect(policy.Statement).toEqual([
      {
        Sid: 'LandedObjectEvents',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: refTo(ld, 'aws_sqs_queue', queue(), 'arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': refTo(ld, 'aws_cloudwatch_event_rule', rule(), 'arn') } },
      },
    ]);
    expect(encryptionViolations({ landing: ld })).toEqual([]);
    // EventBridge may use the lake key to deliver to the encrypted queue
    const key = JSON.parse(String(Object.values(resourcesOf(synth.json.core, 'aws_kms_key'))[0]?.policy)) as { Statement: Statement[] };
    expect(key.Statement.find((s) => s.Sid === 'EventBridgeDeliversToEncryptedQueues')?.Principal).toEqual({ Service: 'events.amazonaws.com' });
  });

  it('redrives a file that keeps failing to the dead-letter queue, never while a run may still be working on it', () => {
    expect(JSON.parse(String(queue().redrive_policy))).toEqual({
      deadLetterTargetArn: refTo(ld, 'aws_sqs_queue', dlq(), 'arn'),
      maxReceiveCount: LANDING_MAX_RECEIVES,
    });
    expect(Number(queue().visibility_timeout_seconds)).toBe(LANDING_VISIBILITY_SECONDS);
    expect(LANDING_VISIBILITY_SECONDS).toBeGreaterThanOrEqual(6 * Number(fn().timeout));
    expect(Number(fn().timeout)).toBe(LANDING_TIMEOUT_SECONDS);
    const alarms = Object.values(resourcesOf(ld, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
    expect(alarms.sort()).toEqual(['hcdl-dev-landing-dlq-depth', 'hcdl-dev-landing-errors', 'hcdl-dev-landing-near-timeout', 'hcdl-dev-landing-throttles']);
  });

  it('the function consumes the queue in batches with partial batch failure, at bounded concurrency', () => {
    expect(findResource(ld, 'aws_lambda_event_source_mapping', () => true)).toMatchObject({
      event_source_arn: refTo(ld, 'aws_sqs_queue', queue(), 'arn'),
      function_name: refTo(ld, 'aws_lambda_function', fn(), 'arn'),
      function_response_types: ['ReportBatchItemFailures'],
      scaling_config: { maximum_concurrency: 10 },
    });
    expect((fn().environment as { variables: Record<string, string> }).variables).toMatchObject({
      HCDL_FILE_DROP_SOURCES: 'adt,lab',
      HCDL_UPLOAD_MAX_BYTES: String(100 * 1024 * 1024),
      HCDL_CATALOG_MIRROR: 'true',
      HCDL_SUBMIT_CONCURRENCY: '8',
    });
  });
});

describe('landing stack: who may drop what', () => {
  it('each file-drop source has a managed policy: PutObject under its own landing prefix, the lake key through S3 only', () => {
    const policies = Object.values(resourcesOf(ld, 'aws_iam_policy'));
    expect(policies.map((p) => p.name).sort()).toEqual(['hcdl-dev-eu-west-1-file-drop-adt', 'hcdl-dev-eu-west-1-file-drop-lab']);
    const lab = findResource(ld, 'aws_iam_policy', (p) => p.name === 'hcdl-dev-eu-west-1-file-drop-lab');
    const statements = (JSON.parse(String(lab.policy)) as { Statement: Statement[] }).Statement;
    const objects = statements.filter((s) => s.Sid === 'DropFiles');
    expect(allowsOnObject(objects, 's3:PutObject', 'landing/source=lab/inbox/a.hl7')).toBe(true);
    for (const key of [
      'landing/source=adt/a.hl7',
      'landing/source=lab2/a.hl7',
      uploadKey('lab', '01JAB3CDEFGHJKMNPQRSTVWXYZ'),
      rawKey('lab', '01JAB3CDEFGHJKMNPQRSTVWXYZ'),
    ])
      expect([key, allowsOnObject(objects, 's3:PutObject', key)]).toEqual([key, false]);
    expect(statements.find((s) => s.Sid === 'EncryptDroppedFiles')).toMatchObject({
      Action: ['kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
    expect(grantViolations(policyDocuments({ landing: ld }))).toEqual([]);
  });

  it('is attached to the roles the environment names, and to no other', () => {
    const attachments = Object.values(resourcesOf(ld, 'aws_iam_role_policy_attachment'))
      .map((a) => [a.role, a.policy_arn])
      .sort();
    const arn = (source: string) =>
      refTo(
        ld,
        'aws_iam_policy',
        findResource(ld, 'aws_iam_policy', (p) => p.name === `hcdl-dev-eu-west-1-file-drop-${source}`),
        'arn',
      );
    expect(attachments).toEqual([
      ['lab-batch', arn('lab')],
      ['lab-sftp-bridge', arn('lab')],
    ]);
  });

  it("the landing function's role: landed files read and removed, the front door's ingest grants, its queue; nothing of staging or the patient index", () => {
    const statements = roleStatements(synth.json, 'hcdl-dev-eu-west-1-landing');
    expect(statements.map((s) => s.Sid)).toEqual([
      'WriteOwnLogs',
      'XRayTracing',
      'ReadLandedFiles',
      'ReadLandedFilesMissingIs404',
      'RemoveIngestedFiles',
      'IngestRaw',
      'KeepRejected',
      'ReadCatalog',
      'IngestCatalogRows',
      'MirrorCatalogRows',
      'IdempotencyRecords',
      'PublishHubEvents',
      'ConsumeLandingQueue',
      'UseLakeKey',
    ]);
    const frontDoor = roleStatements(synth.json, 'hcdl-dev-eu-west-1-front-door');
    for (const sid of ['IngestRaw', 'KeepRejected', 'IngestCatalogRows', 'MirrorCatalogRows', 'IdempotencyRecords', 'PublishHubEvents']) {
      expect([sid, statements.find((s) => s.Sid === sid)]).toEqual([sid, frontDoor.find((s) => s.Sid === sid)]);
    }
  });
});
