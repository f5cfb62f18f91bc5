import type { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { thresholdAlarm } from '../constructs/alarm';
import { lakeLogGroup } from '../constructs/log-group';
import { allow, assumeRolePolicy, kmsUse, objectArns, policyDocument } from '../constructs/policy';
import { ATHENA_RESULTS_PREFIX, ZonePrefix } from '../zones';

/** When the day before is compacted: 01:30 UTC, after the last staging of the day has settled. */
export const COMPACTION_SCHEDULE = 'cron(30 1 * * ? *)';
/** The day a run compacts when its input names none: yesterday (UTC), as Athena computes it. */
export const YESTERDAY_SQL = "date_format(current_date - interval '1' day, '%Y-%m-%d')";

export interface CompactionSqlRefs {
  database: string;
  /** Segment columns of both tables (JSON text in the Parquet table), in table order. */
  segments: readonly string[];
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The INSERT one run makes for one source and one day, with `{source}` and `{day}` left for
 * Step Functions' States.Format (the day is a quoted literal or YESTERDAY_SQL): every staging
 * JSON document of that partition as one Parquet row (message id from the file name, `_meta`
 * and `msh` as JSON text, segments as they are), under `parquet/staging/source=/type=/dt=/` —
 * the partitions of the staging zone, as `hcdl compact` writes them locally. A day already
 * compacted is left alone (NOT EXISTS), so a run repeated for the same day adds nothing.
 */
export function compactionSql(refs: CompactionSqlRefs): string {
  const db = quoteIdent(refs.database);
  const segments = refs.segments.map(quoteIdent).join(', ');
  return [
    `INSERT INTO ${db}."staging_parquet"`,
    `SELECT regexp_extract("$path", '([0-9A-Z]{26})[.]json$', 1) AS message_id,`,
    '  json_format(CAST(meta AS JSON)) AS "_meta", json_format(CAST(msh AS JSON)) AS msh,',
    `  ${segments},`,
    '  source, type, dt',
    `FROM ${db}."staging"`,
    "WHERE source = '{source}' AND dt = {day}",
    `  AND NOT EXISTS (SELECT 1 FROM ${db}."staging_parquet" p WHERE p.source = '{source}' AND p.dt = {day})`,
  ].join('\n');
}

/**
 * A string for an Amazon States Language intrinsic function: single-quoted, with `'`, `{`,
 * `}` and `\` escaped, and the placeholders `{source}` and `{day}` turned into `{}`, in order.
 */
export function intrinsicTemplate(sql: string): { template: string; placeholders: ('source' | 'day')[] } {
  const placeholders: ('source' | 'day')[] = [];
  const parts = sql.split(/(\{source\}|\{day\})/);
  const escaped = parts
    .map((part) => {
      if (part === '{source}' || part === '{day}') {
        placeholders.push(part === '{source}' ? 'source' : 'day');
        return '{}';
      }
      return part.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\{/g, '\\{').replace(/\}/g, '\\}');
    })
    .join('');
  return { template: `'${escaped}'`, placeholders };
}

export interface CompactionDefinitionRefs extends CompactionSqlRefs {
  sources: readonly string[];
  workgroup: string;
}

/**
 * The compaction workflow (Step Functions Standard): the day (the input's `day`, else
 * yesterday), then one Athena INSERT per source, in turn (`.sync`: each waits for its query),
 * retried on Athena's transient errors.
 */
export function compactionDefinition(refs: CompactionDefinitionRefs) {
  const { template, placeholders } = intrinsicTemplate(compactionSql(refs));
  const args = placeholders.map((p) => (p === 'source' ? '$.source' : '$.day')).join(', ');
  return {
    Comment: 'HCDL: staging JSON of a day compacted to Parquet, source by source (Athena INSERT)',
    StartAt: 'Day',
    States: {
      Day: {
        Type: 'Choice',
        Choices: [{ Variable: '$.day', IsPresent: true, Next: 'NamedDay' }],
        Default: 'Yesterday',
      },
      NamedDay: { Type: 'Pass', Parameters: { 'day.$': "States.Format('\\'{}\\'', $.day)", sources: [...refs.sources] }, Next: 'Sources' },
      Yesterday: { Type: 'Pass', Parameters: { day: YESTERDAY_SQL, sources: [...refs.sources] }, Next: 'Sources' },
      Sources: {
        Type: 'Map',
        ItemsPath: '$.sources',
        Parameters: { 'source.$': '$$.Map.Item.Value', 'day.$': '$.day' },
        MaxConcurrency: 1,
        Iterator: {
          StartAt: 'Compact',
          States: {
            Compact: {
              Type: 'Task',
              Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
              Parameters: { 'QueryString.$': `States.Format(${template}, ${args})`, WorkGroup: refs.workgroup },
              Retry: [
                { ErrorEquals: ['Athena.TooManyRequestsException', 'Athena.InternalServerException'], IntervalSeconds: 30, MaxAttempts: 4, BackoffRate: 2 },
              ],
              End: true,
            },
          },
        },
        ResultPath: null,
        End: true,
      },
    },
  };
}

export interface StagingCompactionProps {
  names: { machine: string; role: string; schedulerRole: string; schedule: string };
  database: string;
  segments: readonly string[];
  sources: readonly string[];
  workgroup: AthenaWorkgroup;
  lakeBucket: S3Bucket;
  resultsBucket: S3Bucket;
  key: KmsKey;
  glueArn: (suffix: string) => string;
  logRetentionDays: number;
}

/**
 * Keeps the Parquet zone fresh on AWS (issue 16): every night a schedule starts the compaction
 * workflow, which has Athena (no Lambda, no DuckDB) copy the day before of each known source
 * from `staging` into `staging_parquet`. Its role may run queries in the lake's workgroup,
 * read staging/ and parquet/, write parquet/ and the query results, and nothing else.
 */
export class StagingCompaction extends Construct {
  readonly machine: SfnStateMachine;
  readonly schedule: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: StagingCompactionProps) {
    super(scope, id);
    const lake = props.lakeBucket;
    const logs = lakeLogGroup(this, 'logs', {
      name: `/aws/vendedlogs/states/${props.names.machine}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyArn: props.key.arn,
    });
    const role = new IamRole(this, 'role', { name: props.names.role, assumeRolePolicy: assumeRolePolicy('states.amazonaws.com') });
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: role.id,
      policy: policyDocument([
        allow(
          ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
          [props.workgroup.arn],
          'RunCompaction',
        ),
        allow(
          ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchCreatePartition', 'glue:CreatePartition'],
          [
            props.glueArn('catalog'),
            props.glueArn(`database/${props.database}`),
            ...['staging', 'staging_parquet'].map((t) => props.glueArn(`table/${props.database}/${t}`)),
          ],
          'LakeTables',
        ),
        allow(['s3:GetObject'], objectArns(lake.arn, [ZonePrefix.Staging, ZonePrefix.Parquet]), 'ReadStaging'),
        allow(['s3:PutObject', 's3:AbortMultipartUpload'], objectArns(lake.arn, [ZonePrefix.Parquet]), 'WriteParquet'),
        {
          Sid: 'ListStagingAndParquet',
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
          Resource: [lake.arn],
          Condition: { StringLike: { 's3:prefix': [`${ZonePrefix.Staging}*`, `${ZonePrefix.Parquet}*`] } },
        },
        allow(['s3:GetBucketLocation'], [lake.arn, props.resultsBucket.arn], 'BucketLocation'),
        allow(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], objectArns(props.resultsBucket.arn, [ATHENA_RESULTS_PREFIX]), 'WriteResults'),
        {
          Sid: 'ListResults',
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
          Resource: [props.resultsBucket.arn],
          Condition: { StringLike: { 's3:prefix': [`${ATHENA_RESULTS_PREFIX}*`] } },
        },
        kmsUse(props.key.arn),
        // Log delivery has no resource-level permissions: AWS requires Resource "*".
        allow(
          [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          ['*'],
          'DeliverLogs',
        ),
      ]),
    });
    this.machine = new SfnStateMachine(this, 'machine', {
      name: props.names.machine,
      type: 'STANDARD',
      roleArn: role.arn,
      definition: JSON.stringify(
        compactionDefinition({ database: props.database, segments: props.segments, sources: props.sources, workgroup: props.workgroup.name }),
      ),
      loggingConfiguration: { logDestination: `${logs.arn}:*`, level: 'ERROR', includeExecutionData: false },
      dependsOn: [policy],
    });

    const schedulerRole = new IamRole(this, 'scheduler-role', {
      name: props.names.schedulerRole,
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com'),
    });
    const schedulerPolicy = new IamRolePolicy(this, 'scheduler-policy', {
      name: 'least-privilege',
      role: schedulerRole.id,
      policy: policyDocument([allow(['states:StartExecution'], [this.machine.arn], 'StartCompaction')]),
    });
    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: props.names.schedule,
      description: 'HCDL: compact the day before to Parquet',
      scheduleExpression: COMPACTION_SCHEDULE,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 30 },
      target: { arn: this.machine.arn, roleArn: schedulerRole.arn, input: '{}' },
      dependsOn: [schedulerPolicy],
    });
    thresholdAlarm(this, 'failures-alarm', {
      alarmName: `${props.names.machine}-failed-runs`,
      description: `${props.names.machine} failed: the Parquet zone misses a day (start it again with {"day": "yyyy-mm-dd"}).`,
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensions: { StateMachineArn: this.machine.arn },
      statistic: 'Sum',
      threshold: 1,
    });
  }
}
