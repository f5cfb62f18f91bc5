import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PipesPipe } from '@cdktf/provider-aws/lib/pipes-pipe';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { STAGING_SUBSCRIPTION } from '@hcdl/core/subscriptions';
import { SETTINGS } from '@hcdl/lake';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { thresholdAlarm } from '../constructs/alarm';
import { bundleAsset, type BundleSource } from '../constructs/bundle';
import { LakeFunction } from '../constructs/lake-function';
import { lakeLogGroup } from '../constructs/log-group';
import { allow, assumeRolePolicy, catalogWrite, kmsUse, objectArns, policyDocument, publishToHub, readObjects, writeObjects } from '../constructs/policy';
import { DeadLetterQueue } from '../constructs/queue';
import { HubQueueSubscription } from '../constructs/queue-subscription';
import { LAMBDAS } from '../handlers';
import { identityPolicyEnvironment, validationPolicyEnvironment } from '../policies';
import { ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { LakeStack } from './lake-stack';
import { stagingWorkflowDefinition, TASK_TIMEOUT_SECONDS, WORKFLOW_TIMEOUT_SECONDS } from './staging-workflow';
import { Sweeper } from './sweeper';

export interface StagingStackProps {
  config: InfraConfig;
  bundles: BundleSource;
  core: CoreResources;
}

/** Receives of one `ingested` event before it is kept in the staging dead-letter queue. */
export const STAGING_MAX_RECEIVES = 5;
/** A received event stays invisible longer than a whole workflow run may take. */
export const STAGING_VISIBILITY_SECONDS = WORKFLOW_TIMEOUT_SECONDS + 60;
/** The functions stop before their task's timeout, so a slow run fails in the function, logged. */
const FUNCTION_TIMEOUT_SECONDS = TASK_TIMEOUT_SECONDS - 5;

/**
 * staging: HL7 v2 ER7 -> staging JSON (docs/adr/0006). The hub delivers `ingested` events to
 * the staging queue (raw delivery, the filter policy declared once in @hcdl/core, the one the
 * local hub evaluates); an EventBridge pipe runs one Step Functions Express workflow per event
 * (no Lambda in between): Stage (reads raw/ only, writes work/ only: the code reading hostile
 * input holds no right to change the lake) then Outcome (core-writer: the only writer of
 * staging/, of a message's outcome and of the patient index). Per message: three Lambda
 * invocations in all, with the front door's (docs/aws-calls.md).
 */
export class StagingStack extends LakeStack {
  readonly stage: LakeFunction;
  readonly coreWriter: LakeFunction;
  readonly queue: SqsQueue;
  readonly dlq: DeadLetterQueue;
  readonly stateMachine: SfnStateMachine;
  readonly pipe: PipesPipe;
  readonly sweeper: Sweeper;

  constructor(scope: Construct, id: string, props: StagingStackProps) {
    super(scope, id, props.config);
    const { config, core } = props;
    this.notifyAlarmsTo(core.alarmTopic.arn);
    const name = (n: string) => this.resourceName(n);
    const lake = core.lakeBucket.arn;
    const defaults = this.lakeFunctionDefaults(core);

    this.stage = new LakeFunction(this, 'stage', {
      ...defaults,
      // It judges every message against its source's validation policy (functions/staging-er7/src/env.ts).
      environment: { ...defaults.environment, ...validationPolicyEnvironment(config.policies) },
      code: bundleAsset(this, 'staging-er7-code', props.bundles, LAMBDAS.stagingStage.bundle),
      functionName: name('staging-stage'),
      roleName: this.globalName('staging-stage'),
      handler: LAMBDAS.stagingStage.handler,
      description: 'HCDL staging task 1: raw bytes -> staging JSON and patient facts (one normalization, one parse)',
      timeout: FUNCTION_TIMEOUT_SECONDS,
      statements: [
        ...readObjects(lake, [ZonePrefix.Raw], 'ReadRaw'),
        // Staging JSON too large for the workflow state is handed over through work/staging/.
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.WorkStaging]), 'HandOverLargeOutput'),
        kmsUse(core.key.arn),
      ],
    });
    this.coreWriter = new LakeFunction(this, 'core-writer', {
      ...defaults,
      // Catalog writes are mirrored as NDJSON under catalog/ for Athena (packages/aws catalogFor).
      // It resolves patients under the identity policy (functions/core-writer/src/env.ts).
      environment: { ...defaults.environment, [SETTINGS.catalogMirror.env]: 'true', ...identityPolicyEnvironment(config.policies) },
      code: bundleAsset(this, 'core-writer-code', props.bundles, LAMBDAS.coreWriter.bundle),
      functionName: name('core-writer'),
      roleName: this.globalName('core-writer'),
      handler: LAMBDAS.coreWriter.handler,
      description: 'HCDL staging task 2: staging JSON or error record, catalog row, patient index, staged/failed',
      timeout: FUNCTION_TIMEOUT_SECONDS,
      statements: [
        // Large hand-offs are read and cleaned; raw/ is read as the source of the error zone's copy.
        ...readObjects(lake, [ZonePrefix.WorkStaging, ZonePrefix.Raw], 'ReadHandOffAndRaw'),
        allow(['s3:DeleteObject'], objectArns(lake, [ZonePrefix.WorkStaging]), 'CleanHandOff'),
        writeObjects(lake, [ZonePrefix.Staging, ZonePrefix.Error], 'WriteZones'),
        catalogWrite(core.catalogTable.arn),
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Catalog]), 'MirrorCatalog'),
        publishToHub(core.hubTopic.arn),
        kmsUse(core.key.arn),
      ],
    });

    this.dlq = new DeadLetterQueue(this, 'staging-dlq', { queueName: name('staging-dlq'), kmsKeyArn: core.key.arn });
    this.queue = new SqsQueue(this, 'staging-queue', {
      name: name('staging'),
      kmsMasterKeyId: core.key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      visibilityTimeoutSeconds: STAGING_VISIBILITY_SECONDS,
      messageRetentionSeconds: 4 * 24 * 3600,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.dlq.queue.arn, maxReceiveCount: STAGING_MAX_RECEIVES }),
    });
    new HubQueueSubscription(this, 'staging-subscription', { topicArn: core.hubTopic.arn, queue: this.queue, filterPolicy: STAGING_SUBSCRIPTION.filterPolicy });

    this.stateMachine = this.createStateMachine(name('staging'), config.logRetentionDays, core);
    this.pipe = this.createPipe(name('staging'), core);
    this.sweeper = new Sweeper(this, 'sweeper', {
      core,
      code: bundleAsset(this, 'sweeper-code', props.bundles, LAMBDAS.sweeper.bundle),
      functionName: name('sweeper'),
      roleName: this.globalName('sweeper'),
      schedulerRoleName: this.globalName('sweeper-schedule'),
      scheduleName: name('sweep'),
      deadLetterQueue: { url: this.dlq.queue.url, arn: this.dlq.queue.arn },
      environment: defaults.environment,
      env: config.env,
      logRetentionDays: config.logRetentionDays,
    });
    // An `ingested` event SNS could not deliver to the staging queue (after its retries) is
    // lost to staging: the sweep resumes its row, and this says it happened.
    thresholdAlarm(this, 'hub-delivery-failures-alarm', {
      alarmName: `${name('hub')}-delivery-failures`,
      description: 'The hub could not deliver events to a subscription (the staging queue): the sweep resumes their messages.',
      namespace: 'AWS/SNS',
      metricName: 'NumberOfNotificationsFailed',
      dimensions: { TopicName: core.hubTopic.name },
      statistic: 'Sum',
      threshold: 1,
    });
  }

  /** One Express run per queued `ingested` event, started synchronously: a failed run leaves the event in the queue. */
  private createPipe(pipeName: string, core: CoreResources): PipesPipe {
    const role = new IamRole(this, 'pipe-role', { name: this.globalName('staging-pipe'), assumeRolePolicy: assumeRolePolicy('pipes.amazonaws.com') });
    const policy = new IamRolePolicy(this, 'pipe-policy', {
      name: 'least-privilege',
      role: role.id,
      policy: policyDocument([
        allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [this.queue.arn], 'ReadStagingQueue'),
        allow(['kms:Decrypt'], [core.key.arn], 'DecryptQueuedEvents'),
        allow(['states:StartSyncExecution'], [this.stateMachine.arn], 'RunStaging'),
      ]),
    });
    return new PipesPipe(this, 'pipe', {
      name: pipeName,
      description: 'HCDL: one staging workflow run per ingested HL7 v2 ER7 message',
      roleArn: role.arn,
      source: this.queue.arn,
      target: this.stateMachine.arn,
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      targetParameters: { stepFunctionStateMachineParameters: { invocationType: 'REQUEST_RESPONSE' } },
      dependsOn: [policy],
    });
  }

  private createStateMachine(machineName: string, logRetentionDays: number, core: CoreResources): SfnStateMachine {
    // Vended-logs prefix: Step Functions log delivery needs no log resource policy per group.
    const logs = lakeLogGroup(this, 'workflow-logs', {
      name: `/aws/vendedlogs/states/${machineName}`,
      retentionInDays: logRetentionDays,
      kmsKeyArn: core.key.arn,
    });
    const role = new IamRole(this, 'workflow-role', { name: this.globalName('staging-workflow'), assumeRolePolicy: assumeRolePolicy('states.amazonaws.com') });
    const fns = [this.stage.fn.arn, this.coreWriter.fn.arn];
    const policy = new IamRolePolicy(this, 'workflow-policy', {
      name: 'least-privilege',
      role: role.id,
      policy: policyDocument([
        allow(['lambda:InvokeFunction'], [...fns, ...fns.map((arn) => `${arn}:*`)], 'InvokeSteps'),
        // Log delivery and X-Ray have no resource-level permissions: AWS requires Resource "*".
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
        allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], ['*'], 'XRayTracing'),
      ]),
    });
    const machine = new SfnStateMachine(this, 'workflow', {
      name: machineName,
      type: 'EXPRESS',
      roleArn: role.arn,
      definition: JSON.stringify(stagingWorkflowDefinition({ stageFunctionArn: this.stage.fn.arn, outcomeFunctionArn: this.coreWriter.fn.arn })),
      // Execution data stays out of the logs: the state between the tasks holds the staging
      // JSON and patient identifiers (message content), never to be logged.
      loggingConfiguration: { logDestination: `${logs.arn}:*`, level: 'ERROR', includeExecutionData: false },
      tracingConfiguration: { enabled: true },
      dependsOn: [policy],
    });
    thresholdAlarm(this, 'workflow-failures-alarm', {
      alarmName: `${machineName}-failed-runs`,
      description: `${machineName} runs failed after retries (the event goes back to the staging queue, then its DLQ).`,
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensions: { StateMachineArn: machine.arn },
      statistic: 'Sum',
      threshold: 1,
    });
    // A run cut short by its 300 s limit is not a failure to Step Functions, and its event goes
    // back to the queue like one: seen here (the retry budget fits the limit, see staging-workflow.ts).
    thresholdAlarm(this, 'workflow-timeouts-alarm', {
      alarmName: `${machineName}-timed-out-runs`,
      description: `${machineName} runs hit the workflow's time limit.`,
      namespace: 'AWS/States',
      metricName: 'ExecutionsTimedOut',
      dimensions: { StateMachineArn: machine.arn },
      statistic: 'Sum',
      threshold: 1,
    });
    thresholdAlarm(this, 'workflow-throttles-alarm', {
      alarmName: `${machineName}-throttled`,
      description: `${machineName} starts were throttled (the pipe retries them).`,
      namespace: 'AWS/States',
      metricName: 'ExecutionThrottled',
      dimensions: { StateMachineArn: machine.arn },
      statistic: 'Sum',
      threshold: 1,
    });
    return machine;
  }
}
