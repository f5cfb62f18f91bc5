import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SETTINGS } from '@hcdl/lake';
import { Construct } from 'constructs';
import { thresholdAlarm } from '../constructs/alarm';
import type { LambdaCode } from '../constructs/bundle';
import { LakeFunction } from '../constructs/lake-function';
import { allow, assumeRolePolicy, CATALOG_MESSAGE_KEY_PREFIX, catalogRead, kmsUse, policyDocument, publishToHub } from '../constructs/policy';
import { LAMBDAS } from '../handlers';
import type { CoreResources } from './core';

/** A row still `ingested` this long after its last change is published again (HCDL_RESUME_AFTER_MINUTES): longer than the staging queue's own retries. */
export const RESUME_AFTER_MINUTES = 30;
/** The business alarm: a message has waited this long for its outcome (one resume did not help). */
export const OLDEST_INGESTED_ALARM_MINUTES = 2 * RESUME_AFTER_MINUTES;
/** How often the sweep runs. */
export const SWEEP_EVERY_MINUTES = 5;
/** CloudWatch namespace of the lake's own metrics, per environment (HCDL_METRICS_NAMESPACE). */
export const metricsNamespace = (env: string): string => `HCDL/${env}`;
/** Metric and dimension the sweep writes (functions/sweeper SweepMetric, SWEEP_SERVICE). */
export const OLDEST_INGESTED_METRIC = { name: 'OldestIngestedAgeSeconds', dimensions: { service: 'sweeper' } } as const;

export interface SweeperProps {
  core: CoreResources;
  code: LambdaCode;
  functionName: string;
  roleName: string;
  schedulerRoleName: string;
  scheduleName: string;
  /** The staging dead-letter queue (its URL for the function, its ARN for the grants). */
  deadLetterQueue: { url: string; arn: string };
  environment: Record<string, string>;
  env: string;
  logRetentionDays: number;
}

/**
 * The stranded-message sweep (issue 16): an EventBridge Scheduler schedule runs the sweeper
 * every few minutes; it publishes `ingested` again for rows left waiting (a failed publish, a
 * run in the dead-letter queue) and deletes the dead letters whose message has its outcome,
 * and writes the age of the oldest waiting message as a metric, which the business alarm
 * watches. Its role reads the catalog's status index and writes only `updatedAt` of message
 * rows (MSG# keys), publishes to the hub, and reads and deletes the staging dead-letter queue.
 */
export class Sweeper extends Construct {
  readonly fn: LakeFunction;
  readonly schedule: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    const { core } = props;
    this.fn = new LakeFunction(this, 'function', {
      functionName: props.functionName,
      roleName: props.roleName,
      code: props.code,
      handler: LAMBDAS.sweeper.handler,
      description: 'HCDL sweep: resume messages left ingested, clear settled dead letters, report the oldest waiting age',
      timeout: 120,
      logRetentionDays: props.logRetentionDays,
      logsKmsKeyArn: core.key.arn,
      environment: {
        ...props.environment,
        [SETTINGS.stagingDlqUrl.env]: props.deadLetterQueue.url,
        [SETTINGS.resumeAfterMinutes.env]: String(RESUME_AFTER_MINUTES),
        [SETTINGS.metricsNamespace.env]: metricsNamespace(props.env),
      },
      statements: [
        catalogRead(core.catalogTable.arn),
        {
          ...allow(['dynamodb:UpdateItem'], [core.catalogTable.arn], 'MoveWaitingRows'),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${CATALOG_MESSAGE_KEY_PREFIX}*`] } },
        },
        publishToHub(core.hubTopic.arn),
        allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], [props.deadLetterQueue.arn], 'ReconcileDeadLetters'),
        kmsUse(core.key.arn),
      ],
    });

    const role = new IamRole(this, 'scheduler-role', { name: props.schedulerRoleName, assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com') });
    const policy = new IamRolePolicy(this, 'scheduler-policy', {
      name: 'least-privilege',
      role: role.id,
      policy: policyDocument([allow(['lambda:InvokeFunction'], [this.fn.fn.arn], 'RunTheSweep')]),
    });
    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: props.scheduleName,
      description: 'HCDL: sweep messages left ingested and the staging dead-letter queue',
      scheduleExpression: `rate(${SWEEP_EVERY_MINUTES} minutes)`,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.fn.fn.arn,
        roleArn: role.arn,
        input: JSON.stringify({ schedule: props.scheduleName }),
        // A missed sweep is made up by the next one: no retries piling up.
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 * SWEEP_EVERY_MINUTES },
      },
      dependsOn: [policy],
    });

    thresholdAlarm(this, 'oldest-ingested-alarm', {
      alarmName: `${props.functionName}-oldest-ingested`,
      description: `A message has waited more than ${OLDEST_INGESTED_ALARM_MINUTES} minutes for staging (the sweep resumed it and it still waits): see the staging dead-letter queue and the workflow's failed runs.`,
      namespace: metricsNamespace(props.env),
      metricName: OLDEST_INGESTED_METRIC.name,
      dimensions: { ...OLDEST_INGESTED_METRIC.dimensions },
      statistic: 'Maximum',
      threshold: OLDEST_INGESTED_ALARM_MINUTES * 60,
    });
  }
}
