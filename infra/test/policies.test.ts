import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { errorMirrorKey, messageMirrorKey, patientIdentifiersMirrorKey } from '@hcdl/aws';
import { batchReportKey, uploadKey } from '@hcdl/core';
import { ErrorStage, errorKey, errorReportKey, type MessageRecord, MessageStatus, rawBatchKey, rawKey, SETTINGS, stagingKey, workStagingKey } from '@hcdl/lake';
import { Testing } from 'cdktf';
import { allow, assumeRolePolicy, policyDocument } from '../src/constructs/policy';
import { catalogWritesOf } from './support/catalog-writes';
import {
  actionCovers,
  allowedActions,
  allowsOnItem,
  allowsOnObject,
  encryptionViolations,
  grants,
  grantViolations,
  policyDocuments,
  roleStatements,
  type Statement,
} from './support/policies';
import type { SynthResult, TfJson } from './support/synth';
import { synthAll } from './support/synth';

const ROLES = {
  frontDoor: 'hcdl-dev-eu-west-1-front-door',
  queryApi: 'hcdl-dev-eu-west-1-query-api',
  stage: 'hcdl-dev-eu-west-1-staging-stage',
  coreWriter: 'hcdl-dev-eu-west-1-core-writer',
  workflow: 'hcdl-dev-eu-west-1-staging-workflow',
  pipe: 'hcdl-dev-eu-west-1-staging-pipe',
  landing: 'hcdl-dev-eu-west-1-landing',
  sweeper: 'hcdl-dev-eu-west-1-sweeper',
  sweepSchedule: 'hcdl-dev-eu-west-1-sweeper-schedule',
  refined: 'hcdl-dev-eu-west-1-refined',
} as const;
type Role = keyof typeof ROLES;
const ALL_ROLES = Object.keys(ROLES) as Role[];

const SOURCE = 'clinic-a';
const ID = '01JAB3CDEFGHJKMNPQRSTVWXYZ';

/** One object key of each kind the code writes (built by the code's own key functions), and of areas nobody may write. */
const KEYS = {
  raw: rawKey(SOURCE, ID),
  rawBatch: rawBatchKey(SOURCE, ID),
  staging: stagingKey(SOURCE, 'ADT_A01', ID),
  error: errorKey(SOURCE, ID),
  errorReport: errorReportKey(SOURCE, ID),
  workStaging: workStagingKey(ID, 1),
  workIncoming: `work/incoming/${ID}.hl7`,
  refined: `refined/source=${SOURCE}/${ID}.json`,
  parquet: `parquet/staging/source=${SOURCE}/type=ADT_A01/dt=2024-10-16/part-0.parquet`,
  mirrorMessages: messageMirrorKey(SOURCE, ID),
  mirrorErrors: errorMirrorKey(SOURCE, ID, 1),
  mirrorPatients: patientIdentifiersMirrorKey('P01', ID),
  batchReport: batchReportKey(SOURCE, ID),
  upload: uploadKey(SOURCE, ID),
  fileDrop: `landing/source=${SOURCE}/inbox/adt-0001.hl7`,
} as const;
type KeyKind = keyof typeof KEYS;
const KEY_KINDS = Object.keys(KEYS) as KeyKind[];

/** Everything that changes an object (wildcards in a grant are matched against these). */
const S3_WRITE = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:PutObjectAcl',
  's3:RestoreObject',
];
const DYNAMODB_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];
// In core a table is `${aws_dynamodb_table.catalog.arn}`, in other stacks a remote-state output named after it.
const CATALOG = /aws_dynamodb_table\.?catalog/;
const CATALOG_TABLE = /aws_dynamodb_table\.?catalog(\.arn|arn)\}$/;

/** The writer map of ADR 0006: who may change which objects. */
const WRITES: Record<Role, KeyKind[]> = {
  // ingest: raw bytes (and whole batch files and their reports), rejected input in the error zone, its catalog rows
  // mirrored; and uploads, as the signer of their presigned forms
  frontDoor: ['raw', 'rawBatch', 'error', 'errorReport', 'mirrorMessages', 'mirrorErrors', 'batchReport', 'upload'],
  queryApi: [],
  // the code reading hostile input only hands large output over
  stage: ['workStaging'],
  // outcomes: staging/ or error/, the whole mirror, and it cleans the hand-off
  coreWriter: ['staging', 'error', 'errorReport', 'workStaging', 'mirrorMessages', 'mirrorErrors', 'mirrorPatients'],
  workflow: [],
  pipe: [],
  // the front door's ingest, on landed files, which it removes once ingested
  landing: ['raw', 'rawBatch', 'error', 'errorReport', 'mirrorMessages', 'mirrorErrors', 'batchReport', 'upload', 'fileDrop'],
  sweeper: [],
  sweepSchedule: [],
  // the refined FHIR zone's objects (ADR 0011)
  refined: ['refined'],
};
const READS: Record<Role, KeyKind[]> = {
  frontDoor: [],
  // the zones, batch reports (GET /hl7v2/batches/{id}) and FHIR version objects (the FHIR read routes)
  queryApi: ['raw', 'rawBatch', 'staging', 'error', 'errorReport', 'refined', 'batchReport'],
  stage: ['raw', 'rawBatch', 'batchReport'],
  // the hand-off, and raw/ as the source of the error zone's copy
  coreWriter: ['raw', 'rawBatch', 'workStaging', 'batchReport'],
  workflow: [],
  pipe: [],
  landing: ['upload', 'fileDrop'],
  sweeper: [],
  sweepSchedule: [],
  // raw/ as the source of the FHIR conversion, and the refined objects
  refined: ['raw', 'rawBatch', 'refined', 'batchReport'],
};
/** Objects put with tags (`data_src`): the error zone and the staging zone, never raw/. */
const TAGS: Record<Role, KeyKind[]> = {
  frontDoor: ['error', 'errorReport'],
  queryApi: [],
  stage: [],
  coreWriter: ['staging', 'error', 'errorReport'],
  workflow: [],
  pipe: [],
  landing: ['error', 'errorReport'],
  sweeper: [],
  sweepSchedule: [],
  refined: ['refined'],
};

let synth: SynthResult;
let stacks: Record<string, TfJson>;

beforeAll(() => {
  synth = synthAll();
  stacks = synth.json;
});
afterAll(() => synth.cleanup());

const statementsOf = (role: Role): Statement[] => roleStatements(stacks, ROLES[role]);
const functions = () => Object.values(stacks).flatMap((j) => Object.values(j.resource?.aws_lambda_function ?? {}));
/** The name of the role a function runs with (its `role` is a reference to a role of the same stack). */
const roleNameOf = (fn: Record<string, unknown>): string => {
  for (const json of Object.values(stacks)) {
    for (const [id, role] of Object.entries(json.resource?.aws_iam_role ?? {})) if (fn.role === `\${aws_iam_role.${id}.arn}`) return String(role.name);
  }
  throw new Error(`no role for ${String(fn.function_name)}`);
};
const byRole = <T>(f: (role: Role) => T): Record<Role, T> => Object.fromEntries(ALL_ROLES.map((role) => [role, f(role)])) as Record<Role, T>;

describe('every policy document of every stack', () => {
  it('finds the documents: one inline policy per role, trust policies, bucket, queue, key and managed policies', () => {
    const found = policyDocuments(stacks);
    const byType = (t: string) => found.filter((p) => p.resourceType === t).length;
    // A new role must be added to ROLES, and so to the who-may-write-what checks below.
    const roleNames = Object.values(stacks).flatMap((j) => Object.values(j.resource?.aws_iam_role ?? {}).map((r) => r.name));
    expect(roleNames.sort()).toEqual(Object.values(ROLES).sort());
    expect(byType('aws_iam_role_policy')).toBe(ALL_ROLES.length);
    expect(byType('aws_iam_role')).toBe(ALL_ROLES.length);
    expect(byType('aws_s3_bucket_policy')).toBe(4); // lake, artifacts, access logs, trail
    expect(byType('aws_sns_topic_policy')).toBe(1); // the alarm topic: only CloudWatch alarms publish
    expect(byType('aws_sqs_queue_policy')).toBe(3); // the staging and refined queues (only the hub sends to them), the landing queue (only its EventBridge rule)
    expect(byType('aws_kms_key')).toBe(1);
    expect(byType('aws_iam_policy')).toBe(1); // analytics: the managed policy of analysts running hcdl query --athena
  });

  it('grants no `*` action and no `*` resource on s3, dynamodb, sns, sqs or kms', () => {
    expect(grantViolations(policyDocuments(stacks))).toEqual([]);
  });

  it('leaves no bucket, table, topic, queue or log group unencrypted', () => {
    expect(encryptionViolations(stacks)).toEqual([]);
  });

  it('no document lets anyone read object tags: tags are never read on the data path', () => {
    const tagReaders = policyDocuments(stacks).flatMap((p) =>
      p.statements
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']))
        .filter((a) => actionCovers(a, 's3:GetObjectTagging'))
        .map((a) => `${p.address}: ${a}`),
    );
    expect(tagReaders).toEqual([]);
  });

  it('nothing refers to the old synchronous ingest: no work/incoming/, no core-ingest function or variable', () => {
    for (const stack of Object.keys(stacks) as (keyof typeof synth.json)[]) {
      const text = synth.text(stack);
      for (const gone of ['work/incoming/', 'HCDL_CORE_INGEST_FUNCTION', 'core-writer-ingest'])
        expect([stack, gone, text.includes(gone)]).toEqual([stack, gone, false]);
    }
  });
});

describe('who may write what', () => {
  it('S3 writes follow the writer map: front door and landing raw/ and error/, core-writer staging/ and error/, the stage task work/staging/ only', () => {
    const writable = byRole((role) => KEY_KINDS.filter((k) => S3_WRITE.some((a) => allowsOnObject(statementsOf(role), a, KEYS[k]))));
    expect(writable).toEqual(WRITES);
    // nobody writes parquet/ or the old landing area, and only the refined function refined/
    for (const role of ALL_ROLES)
      for (const k of ['refined', 'parquet', 'workIncoming'] as const)
        expect([role, k, writable[role].includes(k)]).toEqual([role, k, k === 'refined' && role === 'refined']);
  });

  it('only core-writer deletes the work/staging/ hand-off and the landing function landed files it ingested; nothing else is deleted', () => {
    const deletable = byRole((role) =>
      KEY_KINDS.filter((k) => ['s3:DeleteObject', 's3:DeleteObjectVersion'].some((a) => allowsOnObject(statementsOf(role), a, KEYS[k]))),
    );
    expect(deletable).toEqual({ ...byRole(() => []), coreWriter: ['workStaging'], landing: ['upload', 'fileDrop'] });
  });

  it('objects are tagged only where the code tags them: error/ and staging/, never raw/', () => {
    expect(byRole((role) => KEY_KINDS.filter((k) => allowsOnObject(statementsOf(role), 's3:PutObjectTagging', KEYS[k])))).toEqual(TAGS);
  });

  it('S3 reads follow the use-cases: query-api the zones, the stage task raw/, core-writer raw/ and the hand-off; the front door none', () => {
    expect(byRole((role) => KEY_KINDS.filter((k) => allowsOnObject(statementsOf(role), 's3:GetObject', KEYS[k])))).toEqual(READS);
  });

  it('the mirror under catalog/ is written by exactly the functions that mirror the catalog (HCDL_CATALOG_MIRROR)', () => {
    const mirrored = functions()
      .filter((f) => (f as { environment?: { variables?: Record<string, string> } }).environment?.variables?.[SETTINGS.catalogMirror.env] === 'true')
      .map(roleNameOf)
      .sort();
    expect(mirrored).toEqual([ROLES.coreWriter, ROLES.frontDoor, ROLES.landing].sort());
    const mirrorWriters = ALL_ROLES.filter((role) => ['mirrorMessages', 'mirrorErrors'].every((k) => WRITES[role].includes(k as KeyKind)));
    expect(mirrorWriters.map((r) => ROLES[r]).sort()).toEqual(mirrored);
  });

  it('the front door, the landing function and the sweep write message rows only (MSG# keys, the table); only core-writer writes the patient index', () => {
    const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource ?? '']);
    const catalogWrites = (role: Role) =>
      statementsOf(role).filter(
        (s) =>
          s.Effect === 'Allow' &&
          allowedActions([s]).some((a) => DYNAMODB_WRITE.some((w) => actionCovers(a, w))) &&
          resources(s).some((r) => r === '*' || CATALOG.test(r)),
      );
    expect(ALL_ROLES.filter((role) => catalogWrites(role).length > 0)).toEqual(['frontDoor', 'coreWriter', 'landing', 'sweeper']);
    for (const role of ['frontDoor', 'landing', 'sweeper'] as const) {
      expect([role, catalogWrites(role)]).toEqual([
        role,
        [
          expect.objectContaining({
            Resource: [expect.stringMatching(CATALOG_TABLE)],
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MSG#*'] } },
          }),
        ],
      ]);
    }
    // the sweep only moves a waiting row's updatedAt: an update, never a put
    expect(allowedActions(catalogWrites('sweeper'))).toEqual(['dynamodb:UpdateItem']);
  });

  it('the front door may write every catalog item its ingest writes, and no item of the patient index', async () => {
    const row: MessageRecord = {
      messageId: ID,
      source: SOURCE,
      protocol: 'hl7v2',
      format: 'er7',
      status: MessageStatus.Ingested,
      receivedAt: '2024-10-16T00:00:00.000Z',
      updatedAt: '2024-10-16T00:00:00.000Z',
      contentHash: 'ab'.repeat(32),
      size: 3,
      rawKey: KEYS.raw,
      attempts: 0,
    };
    const ingest = await catalogWritesOf(async (catalog) => {
      await catalog.putMessage(row);
      await catalog.putErrors([
        { messageId: ID, attempt: 1, stage: ErrorStage.Normalize, severity: 'error', code: 'NOT_HL7', message: 'not HL7', at: row.receivedAt },
      ]);
      await catalog.updateMessage(ID, { status: MessageStatus.Error, errorKey: KEYS.error, attempts: 1 }, MessageStatus.Ingested);
    });
    const patientIndex = await catalogWritesOf(async (catalog) => {
      await catalog.putPatientIdentifiers([{ identifier: 'HOSP#MR#1', patientId: 'P01', source: SOURCE, firstSeenMessageId: ID, firstSeenAt: row.receivedAt }]);
      await catalog.putPatientLink({ patientId: 'P01', linkedPatientId: 'P02', messageId: ID, source: SOURCE, at: row.receivedAt });
      await catalog.putPatientMerge({
        mergedPatientId: 'P02',
        survivorPatientId: 'P01',
        messageId: ID,
        messageType: 'ADT^A40',
        source: SOURCE,
        priorIdentifiers: [],
        at: row.receivedAt,
      });
    });
    expect(ingest.map((w) => w.action).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(patientIndex.length).toBeGreaterThanOrEqual(5);
    // keys were captured (an item without `pk` would pass the deny check for nothing)
    for (const w of [...ingest, ...patientIndex]) expect(w.pk).toMatch(/^[A-Z]+#[A-Za-z0-9]/);
    const coreWriter = statementsOf('coreWriter');
    for (const ingester of ['frontDoor', 'landing'] as const) {
      const statements = statementsOf(ingester);
      for (const w of ingest) expect([ingester, w, allowsOnItem(statements, w.action, CATALOG_TABLE, w.pk)]).toEqual([ingester, w, true]);
      for (const w of patientIndex) {
        for (const action of DYNAMODB_WRITE)
          expect([ingester, w.pk, action, allowsOnItem(statements, action, CATALOG_TABLE, w.pk)]).toEqual([ingester, w.pk, action, false]);
      }
    }
    for (const w of ingest) expect([w, allowsOnItem(coreWriter, w.action, CATALOG_TABLE, w.pk)]).toEqual([w, true]);
    for (const w of patientIndex) expect([w, allowsOnItem(coreWriter, w.action, CATALOG_TABLE, w.pk)]).toEqual([w, true]);
    // the sweep's one write (a waiting row's updatedAt) is allowed; nothing of the patient index
    const sweep = await catalogWritesOf(async (catalog) => {
      await catalog.updateMessage(ID, { updatedAt: '2024-10-16T01:00:00.000Z' }, MessageStatus.Ingested);
    });
    expect(sweep).toEqual([{ action: 'dynamodb:UpdateItem', pk: `MSG#${ID}` }]);
    expect(allowsOnItem(statementsOf('sweeper'), 'dynamodb:UpdateItem', CATALOG_TABLE, `MSG#${ID}`)).toBe(true);
    for (const w of patientIndex) for (const action of DYNAMODB_WRITE) expect(allowsOnItem(statementsOf('sweeper'), action, CATALOG_TABLE, w.pk)).toBe(false);
  });

  it('reads of the catalog: every function that answers, records or sweeps a message; not the stage task, the workflow or the pipe', () => {
    const readers = ALL_ROLES.filter((role) => grants(statementsOf(role), ['dynamodb:GetItem', 'dynamodb:Query'], CATALOG));
    expect(readers).toEqual(['frontDoor', 'queryApi', 'coreWriter', 'landing', 'sweeper', 'refined']);
  });

  it('the resource table: the refined function alone writes it; it and query-api (the FHIR read routes) read it', () => {
    const RESOURCES = /aws_dynamodb_table\.?resources/;
    expect(ALL_ROLES.filter((role) => grants(statementsOf(role), ['dynamodb:GetItem', 'dynamodb:Query'], RESOURCES))).toEqual(['queryApi', 'refined']);
    const writers = ALL_ROLES.filter((role) =>
      statementsOf(role).some(
        (st) =>
          st.Effect === 'Allow' &&
          allowedActions([st]).some((a) => DYNAMODB_WRITE.some((w) => actionCovers(a, w))) &&
          ([] as unknown[]).concat(st.Resource).some((r) => RESOURCES.test(String(r))),
      ),
    );
    expect(writers).toEqual(['refined']);
  });

  it('only the ingest paths (front door, landing) use the idempotency table', () => {
    expect(ALL_ROLES.filter((role) => grants(statementsOf(role), ['dynamodb:PutItem', 'dynamodb:GetItem'], /aws_dynamodb_table\.?idempotency/))).toEqual([
      'frontDoor',
      'landing',
    ]);
  });

  it('only the ingest paths and the sweep (ingested) and core-writer (staged, failed) publish to the hub', () => {
    const publishers = ['frontDoor', 'coreWriter', 'landing', 'sweeper'];
    expect(ALL_ROLES.filter((role) => grants(statementsOf(role), ['sns:Publish'], /aws_sns_topic\.?hub/))).toEqual(publishers);
    expect(ALL_ROLES.filter((role) => allowedActions(statementsOf(role)).some((a) => actionCovers(a, 'sns:Publish')))).toEqual(publishers);
  });

  it('only the sweep reads the staging dead-letter queue; only the landing function consumes the landing queue', () => {
    const readersOf = (queue: RegExp) => ALL_ROLES.filter((role) => grants(statementsOf(role), ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], queue));
    expect(readersOf(/aws_sqs_queue\.staging-dlq/)).toEqual(['sweeper']);
    expect(readersOf(/aws_sqs_queue\.landing-queue/)).toEqual(['landing']);
    expect(readersOf(/aws_sqs_queue\.staging-queue/)).toEqual(['pipe']);
  });

  it('no role invokes a Lambda but the state machine (its two tasks) and the sweep schedule (the sweeper); only the pipe starts the workflow', () => {
    const invokers = ALL_ROLES.filter((role) => allowedActions(statementsOf(role)).some((a) => actionCovers(a, 'lambda:InvokeFunction')));
    expect(invokers).toEqual(['workflow', 'sweepSchedule']);
    expect(statementsOf('sweepSchedule')).toEqual([
      {
        Sid: 'RunTheSweep',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [expect.stringMatching(/aws_lambda_function\.sweeper_function_[0-9A-F]+\.arn\}$/)],
      },
    ]);
    const targets = statementsOf('workflow')
      .filter((s) => allowedActions([s]).includes('lambda:InvokeFunction'))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource ?? '']));
    expect(targets.map((r) => /aws_lambda_function\.(stage|core-writer)_function_[0-9A-F]+\.arn\}(:\*)?$/.exec(r)?.[1])).toEqual([
      'stage',
      'core-writer',
      'stage',
      'core-writer',
    ]);
    const starters = ALL_ROLES.filter((role) => allowedActions(statementsOf(role)).some((a) => a.startsWith('states:')));
    expect(starters).toEqual(['pipe']);
  });

  it('the read API writes nothing but its audit records (docs/adr/0016)', () => {
    const statements = statementsOf('queryApi');
    const actions = allowedActions(statements);
    expect(actions.filter((a) => /^(s3:(Put|Delete)|dynamodb:(Put|Update|Delete|BatchWrite)|sns:Publish|kms:(Encrypt|GenerateDataKey))/.test(a))).toEqual([
      's3:PutObject',
      'kms:GenerateDataKey',
    ]);
    const puts = statements.filter((st) => ([] as unknown[]).concat(st.Action).includes('s3:PutObject'));
    expect(puts.flatMap((st) => ([] as unknown[]).concat(st.Resource)).map((r) => String(r).replace(/^\$\{[^}]+\}/, ''))).toEqual(['/audit/*']);
  });

  it('readers of objects that may be missing can list the lake bucket (404, not 403), and only the bucket', () => {
    const lakeBucket = /aws_s3_bucket\.?lake_bucket_[0-9A-F]+\.?arn\}$/;
    const listers = ALL_ROLES.filter((role) => grants(statementsOf(role), ['s3:ListBucket'], lakeBucket));
    expect(listers).toEqual(ALL_ROLES.filter((role) => READS[role].length > 0));
    const listed = Object.values(ROLES)
      .flatMap((name) => roleStatements(stacks, name))
      .filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('s3:ListBucket'));
    for (const s of listed) for (const r of Array.isArray(s.Resource) ? s.Resource : [s.Resource]) expect(r).toMatch(lakeBucket);
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

  it('sees object grants through wildcard actions and whole-bucket resources, and only there', () => {
    const lake = '${data.terraform_remote_state.cross-stack-reference-input-core.outputs.cross-stack-output-aws_s3_bucketlake_bucket_0A1Barn}';
    const wide = [allow(['s3:Put*'], [`${lake}/*`])] as Statement[];
    expect(allowsOnObject(wide, 's3:PutObjectTagging', KEYS.raw)).toBe(true);
    expect(allowsOnObject(wide, 's3:PutObject', KEYS.mirrorPatients)).toBe(true);
    const narrow = [allow(['s3:PutObject'], [`${lake}/catalog/errors/*`])] as Statement[];
    expect(allowsOnObject(narrow, 's3:PutObject', KEYS.mirrorErrors)).toBe(true);
    expect(allowsOnObject(narrow, 's3:PutObject', KEYS.mirrorPatients)).toBe(false);
    expect(allowsOnObject(narrow, 's3:PutObjectTagging', KEYS.mirrorErrors)).toBe(false);
    // another bucket's objects are not the lake's
    expect(allowsOnObject([allow(['s3:PutObject'], ['${aws_s3_bucket.artifacts_bucket_0A1B.arn}/*'])] as Statement[], 's3:PutObject', KEYS.raw)).toBe(false);
  });

  it('evaluates LeadingKeys conditions, and refuses to guess about other conditions', () => {
    const table = '${aws_dynamodb_table.catalog.arn}';
    const messagesOnly = [
      { ...allow(['dynamodb:PutItem'], [table]), Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MSG#*'] } } },
    ] as Statement[];
    expect(allowsOnItem(messagesOnly, 'dynamodb:PutItem', CATALOG_TABLE, `MSG#${ID}`)).toBe(true);
    expect(allowsOnItem(messagesOnly, 'dynamodb:PutItem', CATALOG_TABLE, 'PATIENT#P01')).toBe(false);
    expect(allowsOnItem(messagesOnly, 'dynamodb:UpdateItem', CATALOG_TABLE, `MSG#${ID}`)).toBe(false);
    expect(allowsOnItem([allow(['dynamodb:*'], [table])] as Statement[], 'dynamodb:PutItem', CATALOG_TABLE, 'PATIENT#P01')).toBe(true);
    const other = [{ ...allow(['dynamodb:PutItem'], [table]), Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }] as Statement[];
    expect(() => allowsOnItem(other, 'dynamodb:PutItem', CATALOG_TABLE, 'PATIENT#P01')).toThrow(/condition/);
  });

  it('reports every unencrypted bucket, table, topic, queue and log group', () => {
    const violations = encryptionViolations({ bad });
    expect(violations).toHaveLength(5);
    for (const type of ['aws_s3_bucket', 'aws_dynamodb_table', 'aws_sns_topic', 'aws_sqs_queue', 'aws_cloudwatch_log_group'])
      expect(violations.join('\n')).toContain(`${type}.plain`);
  });
});
