import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFINED_SUBSCRIPTION } from '@hcdl/core';
import { RESOURCE_TABLE_SCHEMA } from '@hcdl/aws/resource-schema';
import { REFINED_ARCHIVE_DAYS, REFINED_EVENT_SOURCE, REFINED_MAX_RECEIVES, REFINED_TIMEOUT_SECONDS, REFINED_VISIBILITY_SECONDS } from '../src/stacks/refined';
import { allowsOnObject, encryptionViolations, grantViolations, policyDocuments, roleStatements, type Statement } from './support/policies';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

let synth: SynthResult;
let rf: TfJson;
beforeAll(() => {
  synth = synthAll();
  rf = synth.json.refined;
}, 120_000);
afterAll(() => synth.cleanup());

const fn = () => findResource(rf, 'aws_lambda_function', (f) => f.function_name === 'hcdl-dev-refined');
const queue = () => findResource(rf, 'aws_sqs_queue', (q) => q.name === 'hcdl-dev-refined');
const dlq = () => findResource(rf, 'aws_sqs_queue', (q) => q.name === 'hcdl-dev-refined-dlq');
// The resource table is core's (query-api reads it too): the refined stack references it by remote state.
const table = () => findResource(synth.json.core, 'aws_dynamodb_table', (t) => t.name === 'hcdl-dev-resources');
const TABLE_REF = (attribute: string): RegExp => new RegExp(`cross-stack-output-aws_dynamodb_tableresources${attribute}\\}$`);
const bus = () => findResource(rf, 'aws_cloudwatch_event_bus', () => true);
const statements = (): Statement[] => roleStatements({ refined: rf }, String(findResource(rf, 'aws_iam_role', () => true).name));
const KEY_REF = /cross-stack-output-aws_kms_keylake-key/;

describe('refined stack: table, bus and archive', () => {
  it("uses core's resource table, made from the adapter schema, encrypted with the lake key, with point-in-time recovery", () => {
    expect(resourcesOf(rf, 'aws_dynamodb_table')).toEqual({});
    const t = table();
    expect(t).toMatchObject({
      name: 'hcdl-dev-resources',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      point_in_time_recovery: { enabled: true },
    });
    expect(t.server_side_encryption).toMatchObject({ enabled: true, kms_key_arn: expect.stringMatching(/aws_kms_key\.lake-key/) });
    expect((t.global_secondary_index as { name: string }[]).map((g) => g.name)).toEqual(RESOURCE_TABLE_SCHEMA.globalSecondaryIndexes.map((g) => g.indexName));
  });

  it('makes a custom bus encrypted with the lake key, and an archive of its hcdl.fhir events for replay', () => {
    expect(bus()).toMatchObject({ name: 'hcdl-dev-refined', kms_key_identifier: expect.stringMatching(KEY_REF) });
    const archive = findResource(rf, 'aws_cloudwatch_event_archive', () => true);
    expect(archive).toMatchObject({
      event_source_arn: refTo(rf, 'aws_cloudwatch_event_bus', bus(), 'arn'),
      retention_days: REFINED_ARCHIVE_DAYS,
      kms_key_identifier: expect.stringMatching(KEY_REF),
    });
    expect(JSON.parse(String(archive.event_pattern))).toEqual({ source: [REFINED_EVENT_SOURCE] });
    expect(REFINED_EVENT_SOURCE).toBe('hcdl.fhir');
  });

  it('encrypts every table, queue and log group with a KMS key', () => {
    expect(encryptionViolations({ refined: rf })).toEqual([]);
  });
});

describe('refined stack: staged messages to the function', () => {
  it('subscribes the refined queue to the hub with the filter policy the local hub evaluates, raw delivery', () => {
    const sub = findResource(rf, 'aws_sns_topic_subscription', () => true);
    expect(sub).toMatchObject({
      protocol: 'sqs',
      raw_message_delivery: true,
      filter_policy_scope: 'MessageAttributes',
      endpoint: refTo(rf, 'aws_sqs_queue', queue(), 'arn'),
    });
    expect(JSON.parse(String(sub.filter_policy))).toEqual(REFINED_SUBSCRIPTION.filterPolicy);
  });

  it('redrives a message that keeps failing to the dead-letter queue, never while a run may still work on it; alarms on both', () => {
    expect(JSON.parse(String(queue().redrive_policy))).toEqual({
      deadLetterTargetArn: refTo(rf, 'aws_sqs_queue', dlq(), 'arn'),
      maxReceiveCount: REFINED_MAX_RECEIVES,
    });
    expect(Number(queue().visibility_timeout_seconds)).toBe(REFINED_VISIBILITY_SECONDS);
    expect(REFINED_VISIBILITY_SECONDS).toBeGreaterThanOrEqual(6 * Number(fn().timeout));
    expect(Number(fn().timeout)).toBe(REFINED_TIMEOUT_SECONDS);
    const alarms = Object.values(resourcesOf(rf, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
    expect(alarms.sort()).toEqual([
      'hcdl-dev-refined-backlog',
      'hcdl-dev-refined-dlq-depth',
      'hcdl-dev-refined-errors',
      'hcdl-dev-refined-near-timeout',
      'hcdl-dev-refined-throttles',
    ]);
  });

  it('consumes the queue in batches with partial batch failure; the function is told its table and bus', () => {
    expect(findResource(rf, 'aws_lambda_event_source_mapping', () => true)).toMatchObject({
      event_source_arn: refTo(rf, 'aws_sqs_queue', queue(), 'arn'),
      function_name: refTo(rf, 'aws_lambda_function', fn(), 'arn'),
      function_response_types: ['ReportBatchItemFailures'],
    });
    const vars = (fn().environment as { variables: Record<string, string> }).variables;
    expect(vars.HCDL_RESOURCE_TABLE).toMatch(TABLE_REF('name'));
    expect(vars.HCDL_REFINED_BUS_NAME).toBe(refTo(rf, 'aws_cloudwatch_event_bus', bus(), 'name'));
    expect(fn().handler).toBe('index.handler');
  });
});

describe('refined stack: least privilege', () => {
  it('grants no wildcard action and no wildcard data resource', () => {
    expect(grantViolations(policyDocuments({ refined: rf }))).toEqual([]);
  });

  it('reads raw/, writes refined/ only, never deletes an object', () => {
    const s = statements();
    expect(allowsOnObject(s, 's3:GetObject', 'raw/source=lab/x.hl7')).toBe(true);
    expect(allowsOnObject(s, 's3:PutObject', 'refined/fhir/Patient/pat-1/1.json')).toBe(true);
    for (const key of ['raw/source=lab/x.hl7', 'staging/x.json', 'catalog/messages/x.ndjson']) expect(allowsOnObject(s, 's3:PutObject', key)).toBe(false);
    expect(s.flatMap((x) => [x.Action].flat()).filter((a) => String(a).startsWith('s3:Delete'))).toEqual([]);
  });

  it('writes only the resource table, reads the catalog, puts events on its own bus only', () => {
    const s = statements();
    const writes = s.filter((x) => [x.Action].flat().some((a) => ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'].includes(String(a))));
    const resources = writes.flatMap((x) => [x.Resource].flat()).map(String);
    expect(resources).toHaveLength(2);
    expect(resources[0]).toMatch(TABLE_REF('arn'));
    expect(resources[1]).toBe(`${resources[0]}/index/*`);
    expect(s.flatMap((x) => [x.Action].flat())).not.toContain('dynamodb:UpdateItem');
    const events = s.filter((x) => [x.Action].flat().some((a) => String(a).startsWith('events:')));
    expect(events).toEqual([expect.objectContaining({ Action: ['events:PutEvents'], Resource: [refTo(rf, 'aws_cloudwatch_event_bus', bus(), 'arn')] })]);
    expect(s.flatMap((x) => [x.Action].flat())).not.toContain('sns:Publish');
  });
});
