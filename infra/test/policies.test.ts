import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Testing } from 'cdktf';
import { allow, assumeRolePolicy, policyDocument } from '../src/constructs/policy';
import { encryptionViolations, grants, grantViolations, policyDocuments, roleStatements, type Statement } from './support/policies';
import type { SynthResult, TfJson } from './support/synth';
import { synthAll } from './support/synth';

let synth: SynthResult;
let stacks: Record<string, TfJson>;

beforeAll(() => {
  synth = synthAll();
  stacks = synth.json;
});
afterAll(() => synth.cleanup());

const ROLES = {
  coreWriter: 'hcdl-dev-core-writer',
  coreIngest: 'hcdl-dev-core-writer-ingest',
  frontDoor: 'hcdl-dev-front-door',
  queryApi: 'hcdl-dev-query-api',
  trigger: 'hcdl-dev-staging-trigger',
  normalize: 'hcdl-dev-staging-normalize',
  parse: 'hcdl-dev-staging-parse',
  workflow: 'hcdl-dev-staging-workflow',
} as const;

const ZONE_WRITE = ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject'];
const CATALOG_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const zone = (prefix: string) => new RegExp(`/${prefix}/\\*$`);
/** core-writer's two functions (SNS handler and ingest): the only writers of zones and catalog (issue: least privilege). */
const CORE_WRITER_ROLES: readonly (keyof typeof ROLES)[] = ['coreWriter', 'coreIngest'];
const S3_WRITE = ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:PutObjectAcl', 's3:RestoreObject', 's3:*', 's3:Put*', 's3:Delete*'];
const DYNAMODB_WRITE = [
  ...CATALOG_WRITE,
  'dynamodb:ConditionCheckItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:*',
  'dynamodb:Put*',
  'dynamodb:Update*',
  'dynamodb:Delete*',
  'dynamodb:BatchWrite*',
];
/** A whole-bucket grant (`<bucket>/*`) covers every zone. */
const zoneOrBucket = (prefix: string) => new RegExp(`(/${prefix}/\\*|_[0-9A-F]+\\.?arn\\}/\\*)$`);
// In core a table is `${aws_dynamodb_table.catalog.arn}`, in other stacks a remote-state output named after it.
const CATALOG = /aws_dynamodb_table\.?catalog/;

describe('every policy document of every stack', () => {
  it('finds the documents: one inline policy per role, trust policies, bucket, queue, key and managed policies', () => {
    const found = policyDocuments(stacks);
    const byType = (t: string) => found.filter((p) => p.resourceType === t).length;
    // A new role must be added to ROLES, and so to the who-may-write-what checks below.
    const roleNames = Object.values(stacks).flatMap((j) => Object.values(j.resource?.aws_iam_role ?? {}).map((r) => r.name));
    expect(roleNames.sort()).toEqual(Object.values(ROLES).sort());
    expect(byType('aws_iam_role_policy')).toBe(Object.keys(ROLES).length);
    expect(byType('aws_iam_role')).toBe(Object.keys(ROLES).length);
    expect(byType('aws_s3_bucket_policy')).toBe(2);
    expect(byType('aws_sqs_queue_policy')).toBe(2);
    expect(byType('aws_kms_key')).toBe(1);
    expect(byType('aws_iam_policy')).toBe(1); // analytics: the managed policy of analysts running hcdl query --athena
  });

  it('grants no `*` action and no `*` resource on s3, dynamodb, sns, sqs or kms', () => {
    expect(grantViolations(policyDocuments(stacks))).toEqual([]);
  });

  it('leaves no bucket, table, topic, queue or log group unencrypted', () => {
    expect(encryptionViolations(stacks)).toEqual([]);
  });
});

describe('who may write what', () => {
  const statementsOf = (role: keyof typeof ROLES): Statement[] => roleStatements(stacks, ROLES[role]);

  it('only core-writer writes the staging zone; only its ingest function writes raw bytes', () => {
    for (const role of Object.keys(ROLES) as (keyof typeof ROLES)[]) {
      expect([role, grants(statementsOf(role), ZONE_WRITE, zone('staging'))]).toEqual([role, role === 'coreWriter']);
      expect([role, grants(statementsOf(role), ZONE_WRITE, zone('raw'))]).toEqual([role, role === 'coreIngest']);
    }
  });

  it("no role but core-writer's may write raw/, staging/, error/, refined/, catalog/ or the catalog (issue: only core-writer writes zones and catalog)", () => {
    for (const role of Object.keys(ROLES) as (keyof typeof ROLES)[]) {
      if (CORE_WRITER_ROLES.includes(role)) continue;
      for (const prefix of ['raw', 'staging', 'error', 'refined', 'catalog']) {
        expect([role, prefix, grants(statementsOf(role), S3_WRITE, zoneOrBucket(prefix))]).toEqual([role, prefix, false]);
      }
      expect([role, 'catalog', grants(statementsOf(role), DYNAMODB_WRITE, CATALOG)]).toEqual([role, 'catalog', false]);
    }
    for (const role of CORE_WRITER_ROLES) expect([role, grants(statementsOf(role), CATALOG_WRITE, CATALOG)]).toEqual([role, true]);
    expect(grants(statementsOf('coreIngest'), ZONE_WRITE, zone('error'))).toBe(true);
  });

  it('the catalog mirror under catalog/ is a data zone: core-writer writes it, its ingest function only the message and error rows', () => {
    // Any grant under catalog/ (a sub-prefix included) or on the whole bucket.
    const anyCatalogMirror = /(\/catalog\/([A-Za-z0-9_=-]+\/)*\*|_[0-9A-F]+\.?arn\}\/\*)$/;
    for (const role of Object.keys(ROLES) as (keyof typeof ROLES)[]) {
      if (CORE_WRITER_ROLES.includes(role)) continue;
      expect([role, grants(statementsOf(role), S3_WRITE, anyCatalogMirror)]).toEqual([role, false]);
    }
    expect(grants(statementsOf('coreWriter'), ['s3:PutObject'], zone('catalog'))).toBe(true);
    const ingest = statementsOf('coreIngest');
    expect(grants(ingest, ['s3:PutObject'], /\/catalog\/messages\/\*$/)).toBe(true);
    expect(grants(ingest, ['s3:PutObject'], /\/catalog\/errors\/\*$/)).toBe(true);
    expect(grants(ingest, S3_WRITE, /\/catalog\/(patient_identifiers\/)?\*$/)).toBe(false);
    // and only their functions turn the mirror on (packages/aws catalogFor)
    const mirrored = Object.values(stacks)
      .flatMap((j) => Object.values(j.resource?.aws_lambda_function ?? {}))
      .filter((f) => (f as { environment?: { variables?: Record<string, string> } }).environment?.variables?.HCDL_CATALOG_MIRROR === 'true')
      .map((f) => f.function_name)
      .sort();
    expect(mirrored).toEqual([ROLES.coreWriter, ROLES.coreIngest].sort());
    // and the check catches a reader that writes a sub-prefix of the mirror
    expect(grants([allow(['s3:PutObject'], ['${aws_s3_bucket.lake_bucket_0A1B.arn}/catalog/errors/*'])] as Statement[], S3_WRITE, anyCatalogMirror)).toBe(true);
  });

  it('the zone check itself fails on a front door that writes raw/ or the catalog', () => {
    const leaky = [
      ...statementsOf('frontDoor'),
      allow(['s3:PutObject'], ['${aws_s3_bucket.lake_bucket_0A1B.arn}/raw/*']),
      allow(['dynamodb:PutItem'], ['${aws_dynamodb_table.catalog_table_0A1B.arn}']),
    ] as Statement[];
    expect(grants(leaky, S3_WRITE, zoneOrBucket('raw'))).toBe(true);
    expect(grants(leaky, DYNAMODB_WRITE, CATALOG)).toBe(true);
    expect(
      grants(
        [
          allow(
            ['s3:PutObject'],
            ['${data.terraform_remote_state.cross-stack-reference-input-core.outputs.cross-stack-output-aws_s3_bucketlake_bucket_0A1Barn}/*'],
          ),
        ] as Statement[],
        S3_WRITE,
        zoneOrBucket('error'),
      ),
    ).toBe(true);
  });

  it("the front door lands request bytes under work/incoming/ and invokes exactly core-writer's ingest function", () => {
    const statements = statementsOf('frontDoor');
    const s3 = statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']).some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([
      {
        Sid: 'LandRequests',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [expect.stringMatching(/lake_bucket_[0-9A-F]+\.?arn\}\/work\/incoming\/\*$/)],
      },
    ]);
    const invoke = statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']).some((a) => a.startsWith('lambda:')));
    expect(invoke).toEqual([
      {
        Sid: 'InvokeCoreIngest',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [expect.stringMatching(/aws_lambda_function\.?core-writer-ingest.*arn\}$/)],
      },
    ]);
    expect(grants(statements, ['sns:Publish'], /./)).toBe(false);
    const fd = Object.values(stacks['front-door']?.resource?.aws_lambda_function ?? {}).find((f) => f.function_name === 'hcdl-dev-front-door') as {
      environment: { variables: Record<string, string> };
    };
    expect(fd.environment.variables.HCDL_CORE_INGEST_FUNCTION).toMatch(/aws_lambda_function\.?core-writer-ingest.*arn/);
  });

  it('the ingest function writes only message and error rows of the catalog, never the patient index', () => {
    const onCatalog = (st: Statement) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).some((r) => CATALOG.test(String(r)));
    const writes = statementsOf('coreIngest').filter(
      (st) => onCatalog(st) && (Array.isArray(st.Action) ? st.Action : [st.Action]).some((x) => CATALOG_WRITE.includes(String(x))),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MSG#*'] } });
    // the table only: no index is ever written directly
    expect(writes[0]?.Resource).toEqual([expect.stringMatching(/aws_dynamodb_table\.?catalog.*arn\}$/)]);
    // it reads only what the front door landed, and cleans it
    expect(grants(statementsOf('coreIngest'), ['s3:GetObject'], /\/work\/incoming\/\*$/)).toBe(true);
    expect(grants(statementsOf('coreIngest'), ['s3:GetObject'], zone('raw'))).toBe(false);
  });

  it('the staging steps only touch the work/ hand-off area besides reading raw bytes', () => {
    expect(grants(statementsOf('normalize'), ['s3:GetObject'], zone('raw'))).toBe(true);
    expect(grants(statementsOf('normalize'), ['s3:PutObject'], zone('work'))).toBe(true);
    expect(grants(statementsOf('parse'), ['s3:PutObject'], zone('work'))).toBe(true);
    // parse is retried by Step Functions: it re-reads work/ (or the raw bytes) and never deletes the hand-off
    expect(grants(statementsOf('parse'), ['s3:GetObject'], zone('raw'))).toBe(true);
    expect(grants(statementsOf('parse'), ['s3:GetObject'], zone('work'))).toBe(true);
    expect(
      statementsOf('parse')
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']))
        .filter((a) => a.startsWith('s3:Delete')),
    ).toEqual([]);
    expect(grants(statementsOf('parse'), ['sns:Publish'], /aws_sns_topic\.?hub/)).toBe(true);
    expect(statementsOf('trigger').filter((s) => !['WriteOwnLogs', 'XRayTracing', 'DeadLetters', 'EncryptDeadLetters'].includes(s.Sid ?? ''))).toEqual([
      { Sid: 'StartStagingRun', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [expect.stringMatching(/^\$\{aws_sfn_state_machine\./)] },
    ]);
  });

  it('the read API reads zones and catalog and writes nothing', () => {
    const statements = statementsOf('queryApi');
    expect(grants(statements, ['s3:GetObject'], zone('staging'))).toBe(true);
    expect(grants(statements, ['s3:GetObjectTagging'], zone('raw'))).toBe(true);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']));
    expect(actions.filter((a) => /^(s3:(Put|Delete)|dynamodb:(Put|Update|Delete|BatchWrite)|sns:Publish|kms:(Encrypt|GenerateDataKey))/.test(a))).toEqual([]);
  });

  it('readers of objects that may be missing can list the lake bucket (404, not 403), and only the bucket', () => {
    const lakeBucket = /aws_s3_bucket\.?lake_bucket_[0-9A-F]+\.?arn\}$/;
    for (const role of ['coreWriter', 'coreIngest', 'queryApi', 'normalize', 'parse'] as const) {
      expect([role, grants(statementsOf(role), ['s3:ListBucket'], lakeBucket)]).toEqual([role, true]);
    }
    const listed = Object.values(ROLES)
      .flatMap((name) => roleStatements(stacks, name))
      .filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('s3:ListBucket'));
    for (const s of listed) for (const r of Array.isArray(s.Resource) ? s.Resource : [s.Resource]) expect(r).toMatch(lakeBucket);
  });

  it('only the front door uses the idempotency table', () => {
    for (const role of Object.keys(ROLES) as (keyof typeof ROLES)[]) {
      expect([role, grants(statementsOf(role), ['dynamodb:PutItem', 'dynamodb:GetItem'], /aws_dynamodb_table\.?idempotency/)]).toEqual([
        role,
        role === 'frontDoor',
      ]);
    }
  });
});

describe('the checks themselves catch what they must', () => {
  // A deliberately bad stack: the walkers must report every problem in it.
  const bad = JSON.parse(
    Testing.synthScope((scope) => {
      new S3Bucket(scope, 'plain-bucket', { bucket: 'plain' });
      new DynamodbTable(scope, 'plain-table', { name: 'plain', hashKey: 'id', attribute: [{ name: 'id', type: 'S' }] });
      new SnsTopic(scope, 'plain-topic', { name: 'plain' });
      new SqsQueue(scope, 'plain-queue', { name: 'plain' });
      new CloudwatchLogGroup(scope, 'plain-logs', { name: 'plain' });
      const role = new IamRole(scope, 'role', { name: 'bad', assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com') });
      new IamRolePolicy(scope, 'policy', {
        role: role.id,
        policy: policyDocument([
          allow(['s3:GetObject'], ['*'], 'AnyObject'),
          allow(['dynamodb:*'], ['arn:aws:dynamodb:eu-west-1:123456789012:table/t'], 'AnyTableAction'),
          allow(['*'], ['arn:aws:s3:::b/*'], 'AnyAction'),
          allow(['sqs:SendMessage'], ['arn:aws:sqs:*:*:*'], 'AnyQueue'),
          allow(['xray:PutTraceSegments'], ['*'], 'XRayIsFine'),
          { Sid: 'DenyIsFine', Effect: 'Deny', Action: 's3:*', Resource: '*' },
        ]),
      });
    }),
  ) as TfJson;

  it('reports wildcard grants on data, not X-Ray or Deny statements', () => {
    const violations = grantViolations(policyDocuments({ bad }));
    expect(violations).toEqual([
      expect.stringContaining('AnyObject: wildcard resource *'),
      expect.stringContaining('AnyTableAction: wildcard action dynamodb:*'),
      expect.stringContaining('AnyAction: wildcard action *'),
      expect.stringContaining('AnyQueue: wildcard resource arn:aws:sqs:*:*:*'),
    ]);
  });

  it('reports every unencrypted bucket, table, topic, queue and log group', () => {
    const violations = encryptionViolations({ bad });
    expect(violations).toHaveLength(5);
    for (const type of ['aws_s3_bucket', 'aws_dynamodb_table', 'aws_sns_topic', 'aws_sqs_queue', 'aws_cloudwatch_log_group'])
      expect(violations.join('\n')).toContain(`${type}.plain`);
  });
});
