import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SEGMENT_COLUMNS } from '../src/stacks/analytics';
import { COMPACTION_SCHEDULE, compactionSql, intrinsicTemplate, YESTERDAY_SQL } from '../src/stacks/compaction';
import { allowedActions, allowsOnObject, grantViolations, policyDocuments, roleStatements } from './support/policies';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

/** What States.Format does with an intrinsic string literal and its arguments (for checking the escaping). */
function statesFormat(literal: string, args: string[]): string {
  if (!literal.startsWith("'") || !literal.endsWith("'")) throw new Error('not a string literal');
  let out = '';
  let i = 1;
  let n = 0;
  while (i < literal.length - 1) {
    const c = literal[i] as string;
    if (c === '\\') {
      out += literal[i + 1];
      i += 2;
    } else if (c === '{' && literal[i + 1] === '}') {
      out += args[n++];
      i += 2;
    } else if (c === "'" || c === '{' || c === '}') throw new Error(`unescaped ${c} at ${i}`);
    else {
      out += c;
      i++;
    }
  }
  if (n !== args.length) throw new Error('argument count');
  return out;
}

let synth: SynthResult;
let an: TfJson;
beforeAll(() => {
  synth = synthAll({ HCDL_SOURCES: 'lab,adt' });
  an = synth.json.analytics;
});
afterAll(() => synth.cleanup());

const machine = () => findResource(an, 'aws_sfn_state_machine', () => true);
const definition = () => JSON.parse(String(machine().definition)) as { States: Record<string, Record<string, unknown>> };

describe('the nightly Parquet compaction (analytics stack)', () => {
  it('is built only when the sources are known (the source partition is injected otherwise)', () => {
    const plain = synthAll();
    try {
      expect(Object.keys(resourcesOf(plain.json.analytics, 'aws_sfn_state_machine'))).toEqual([]);
    } finally {
      plain.cleanup();
    }
  });

  it('copies a day of each source from staging to staging_parquet with Athena, once: a day already compacted is left alone', () => {
    const sql = compactionSql({ database: 'hcdl_dev_lake', segments: SEGMENT_COLUMNS });
    expect(sql).toContain('INSERT INTO "hcdl_dev_lake"."staging_parquet"');
    expect(sql).toContain('FROM "hcdl_dev_lake"."staging"');
    expect(sql).toContain("WHERE source = '{source}' AND dt = {day}");
    expect(sql).toContain('NOT EXISTS (SELECT 1 FROM "hcdl_dev_lake"."staging_parquet" p');
    // the Parquet table's columns, in its order: message id, _meta and msh as JSON text, the segments, then the partitions
    expect(sql).toMatch(/AS message_id,\s+json_format\(CAST\(meta AS JSON\)\) AS "_meta", json_format\(CAST\(msh AS JSON\)\) AS msh,\s+"sft", "evn", "pid"/);
    expect(sql.trim().split('\n')[4]).toBe('  source, type, dt');
  });

  it('hands Step Functions the SQL escaped for States.Format, which gives it back with the source and the day', () => {
    const sql = compactionSql({ database: 'hcdl_dev_lake', segments: ['pid', 'obx'] });
    const { template, placeholders } = intrinsicTemplate(sql);
    expect(placeholders).toEqual(['source', 'day', 'source', 'day']);
    const day = "'2026-03-01'";
    expect(statesFormat(template, ['lab', day, 'lab', day])).toBe(sql.replace(/\{source\}/g, 'lab').replace(/\{day\}/g, day));
  });

  it('runs the sources in turn, for the named day or yesterday, each query waited for (.sync) in the lake workgroup', () => {
    const d = definition();
    expect(d.States.Day).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.day', IsPresent: true, Next: 'NamedDay' }], Default: 'Yesterday' });
    expect(d.States.Yesterday).toMatchObject({ Parameters: { day: YESTERDAY_SQL, sources: ['lab', 'adt'] } });
    expect(d.States.NamedDay).toMatchObject({ Parameters: { sources: ['lab', 'adt'] } });
    const map = d.States.Sources as { Type: string; MaxConcurrency: number; Iterator: { States: { Compact: Record<string, unknown> } } };
    expect(map).toMatchObject({ Type: 'Map', MaxConcurrency: 1 });
    const compact = map.Iterator.States.Compact as { Resource: string; Parameters: Record<string, string> };
    expect(compact.Resource).toBe('arn:aws:states:::athena:startQueryExecution.sync');
    expect(compact.Parameters.WorkGroup).toBe(
      refTo(
        an,
        'aws_athena_workgroup',
        findResource(an, 'aws_athena_workgroup', () => true),
        'name',
      ),
    );
    expect(compact.Parameters['QueryString.$']).toMatch(/^States\.Format\('INSERT INTO /);
    expect(compact.Parameters['QueryString.$']).toMatch(/, \$\.source, \$\.day, \$\.source, \$\.day\)$/);
  });

  it('starts every night from an EventBridge Scheduler schedule, and alarms when a run fails', () => {
    expect(findResource(an, 'aws_scheduler_schedule', () => true)).toMatchObject({
      schedule_expression: COMPACTION_SCHEDULE,
      schedule_expression_timezone: 'UTC',
      target: { arn: refTo(an, 'aws_sfn_state_machine', machine(), 'arn'), input: '{}' },
    });
    expect(roleStatements(synth.json, 'hcdl-dev-eu-west-1-compaction-schedule')).toEqual([
      { Sid: 'StartCompaction', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [refTo(an, 'aws_sfn_state_machine', machine(), 'arn')] },
    ]);
    expect(findResource(an, 'aws_cloudwatch_metric_alarm', (a) => a.alarm_name === 'hcdl-dev-compaction-failed-runs')).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsFailed',
    });
  });

  it("the workflow's role: queries in the lake workgroup, reads staging/ and parquet/, writes parquet/ only (and the results)", () => {
    const statements = roleStatements(synth.json, 'hcdl-dev-eu-west-1-compaction');
    const objects = statements.filter((s) => s.Condition === undefined);
    const writes = (key: string) => ['s3:PutObject', 's3:DeleteObject'].some((a) => allowsOnObject(objects, a, key));
    expect(writes('parquet/staging/source=lab/type=ADT_A01/dt=2026-03-01/part-0.parquet')).toBe(true);
    for (const key of ['staging/source=lab/protocol=hl7v2/format=json/type=ADT_A01/dt=2026-03-01/x.json', 'raw/source=lab/x.hl7', 'catalog/messages/x.json'])
      expect([key, writes(key)]).toEqual([key, false]);
    expect(allowsOnObject(objects, 's3:GetObject', 'staging/source=lab/protocol=hl7v2/format=json/type=ADT_A01/dt=2026-03-01/x.json')).toBe(true);
    expect(allowsOnObject(objects, 's3:GetObject', 'raw/source=lab/x.hl7')).toBe(false);
    expect(allowedActions(statements).filter((a) => a.startsWith('dynamodb:') || a.startsWith('lambda:'))).toEqual([]);
    expect(grantViolations(policyDocuments({ analytics: an }))).toEqual([]);
  });
});
