import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { STAGING_SUBSCRIPTION } from '@hcdl/fn-staging-er7/subscription';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { thresholdAlarm } from '../constructs/alarm';
import { bundleAsset, type BundleSource } from '../constructs/bundle';
import { LakeFunction } from '../constructs/lake-function';
import { lakeLogGroup } from '../constructs/log-group';
import { allow, assumeRolePolicy, catalogRead, kmsUse, objectArns, policyDocument, publishToHub, readObjects } from '../constructs/policy';
import { DeadLetterQueue } from '../constructs/queue';
import { HubSubscription } from '../constructs/subscription';
import { LAMBDAS } from '../handlers';
import { ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { LakeStack } from './lake-stack';
import { stagingWorkflowDefinition } from './staging-workflow';

export interface StagingStackProps {
  config: InfraConfig;
  bundles: BundleSource;
  core: CoreResources;
}

/**
 * staging: HL7 v2 ER7 -> staging JSON. The trigger function is subscribed to the hub with the
 * filter policy declared beside it (functions/staging-er7/src/subscription.ts, the same one
 * the local hub evaluates) and starts one Step Functions Express run per message: normalize
 * then parse. Asynchronous failures end in encrypted dead-letter queues with alarms.
 */
export class StagingStack extends LakeStack {
  readonly trigger: LakeFunction;
  readonly normalize: LakeFunction;
  readonly parse: LakeFunction;
  readonly stateMachine: SfnStateMachine;
  readonly triggerDlq: DeadLetterQueue;
  readonly workflowDlq: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: StagingStackProps) {
    super(scope, id, props.config);
    const { config, core } = props;
    const name = (n: string) => this.resourceName(n);
    const lake = core.lakeBucket.arn;
    // One zip of the staging-er7 bundle, shared by its three handlers.
    const code = bundleAsset(this, 'staging-er7-code', props.bundles, LAMBDAS.stagingNormalize.bundle);
    const common = { code, ...this.lakeFunctionDefaults(core) };

    this.normalize = new LakeFunction(this, 'normalize', {
      ...common,
      functionName: name('staging-normalize'),
      handler: LAMBDAS.stagingNormalize.handler,
      description: 'HCDL staging step 1: decode and normalize the raw bytes into the work/ area',
      timeout: 60,
      statements: [
        ...readObjects(lake, [ZonePrefix.Raw], 'ReadRaw'),
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Work]), 'WriteHandOff'),
        kmsUse(core.key.arn),
      ],
    });
    this.parse = new LakeFunction(this, 'parse', {
      ...common,
      functionName: name('staging-parse'),
      handler: LAMBDAS.stagingParse.handler,
      description: 'HCDL staging step 2: parse, hand the staging JSON to core via work/, publish staged or failed',
      timeout: 60,
      statements: [
        // Reads the raw bytes only to normalize again on a retry whose work/ copy is gone;
        // never deletes it (the lake bucket's lifecycle expires work/), so a retry can re-read it.
        ...readObjects(lake, [ZonePrefix.Raw, ZonePrefix.Work], 'ReadRawAndHandOff'),
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Work]), 'WriteHandOff'),
        catalogRead(core.catalogTable.arn),
        publishToHub(core.hubTopic.arn),
        kmsUse(core.key.arn),
      ],
    });

    this.workflowDlq = new DeadLetterQueue(this, 'workflow-dlq', { queueName: name('staging-workflow-dlq'), kmsKeyArn: core.key.arn });
    this.stateMachine = this.createStateMachine(name('staging'), config.logRetentionDays, core);

    this.triggerDlq = new DeadLetterQueue(this, 'trigger-dlq', { queueName: name('staging-trigger-dlq'), kmsKeyArn: core.key.arn });
    this.trigger = new LakeFunction(this, 'trigger', {
      ...common,
      environment: { ...common.environment, HCDL_STAGING_STATE_MACHINE_ARN: this.stateMachine.arn },
      functionName: name('staging-trigger'),
      handler: LAMBDAS.stagingTrigger.handler,
      description: 'HCDL staging trigger: one Express workflow run per ingested HL7 v2 ER7 message',
      deadLetter: { queueArn: this.triggerDlq.queue.arn, kmsKeyArn: core.key.arn },
      statements: [allow(['states:StartExecution'], [this.stateMachine.arn], 'StartStagingRun')],
    });
    new HubSubscription(this, 'trigger-subscription', {
      topicArn: core.hubTopic.arn,
      fn: this.trigger.fn,
      filterPolicy: STAGING_SUBSCRIPTION.filterPolicy,
      deadLetterQueue: this.triggerDlq.queue,
    });
  }

  private createStateMachine(machineName: string, logRetentionDays: number, core: CoreResources): SfnStateMachine {
    // Vended-logs prefix: Step Functions log delivery needs no log resource policy per group.
    const logs = lakeLogGroup(this, 'workflow-logs', {
      name: `/aws/vendedlogs/states/${machineName}`,
      retentionInDays: logRetentionDays,
      kmsKeyArn: core.key.arn,
    });
    const role = new IamRole(this, 'workflow-role', { name: `${machineName}-workflow`, assumeRolePolicy: assumeRolePolicy('states.amazonaws.com') });
    const fns = [this.normalize.fn.arn, this.parse.fn.arn];
    const policy = new IamRolePolicy(this, 'workflow-policy', {
      name: 'least-privilege',
      role: role.id,
      policy: policyDocument([
        allow(['lambda:InvokeFunction'], [...fns, ...fns.map((arn) => `${arn}:*`)], 'InvokeSteps'),
        allow(['sqs:SendMessage'], [this.workflowDlq.queue.arn], 'KeepFailedRuns'),
        allow(['kms:GenerateDataKey', 'kms:Decrypt'], [core.key.arn], 'EncryptDeadLetters'),
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
      definition: JSON.stringify(
        stagingWorkflowDefinition({
          normalizeFunctionArn: this.normalize.fn.arn,
          parseFunctionArn: this.parse.fn.arn,
          deadLetterQueueUrl: this.workflowDlq.queue.url,
        }),
      ),
      // Execution data stays out of the logs: states hold ids and keys, never message content,
      // but errors' causes are not ours to vouch for.
      loggingConfiguration: { logDestination: `${logs.arn}:*`, level: 'ALL', includeExecutionData: false },
      tracingConfiguration: { enabled: true },
      dependsOn: [policy],
    });
    thresholdAlarm(this, 'workflow-failures-alarm', {
      alarmName: `${machineName}-failed-runs`,
      description: `${machineName} runs failed after retries (kept in the staging workflow DLQ).`,
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensions: { StateMachineArn: machine.arn },
      statistic: 'Sum',
      threshold: 1,
    });
    return machine;
  }
}
