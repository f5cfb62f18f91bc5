import { CloudwatchEventArchive } from '@cdktf/provider-aws/lib/cloudwatch-event-archive';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { REFINED_SUBSCRIPTION } from '@hcdl/core';
import { SETTINGS } from '@hcdl/lake';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { thresholdAlarm } from '../constructs/alarm';
import { bundleAsset, type BundleSource } from '../constructs/bundle';
import { LakeFunction } from '../constructs/lake-function';
import { allow, catalogRead, kmsUse, readObjects, tableAndIndexArns, writeObjects } from '../constructs/policy';
import { DeadLetterQueue } from '../constructs/queue';
import { HubQueueSubscription } from '../constructs/queue-subscription';
import { LAMBDAS } from '../handlers';
import { ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { LakeStack } from './lake-stack';

export interface RefinedStackProps {
  config: InfraConfig;
  bundles: BundleSource;
  core: CoreResources;
}

/** `source` of the change events (FHIR_EVENT_SOURCE of @hcdl/aws; the archive keeps these). */
export const REFINED_EVENT_SOURCE = 'hcdl.fhir';
/** Longest one batch of staged messages may take to refine (a message makes dozens of versions). */
export const REFINED_TIMEOUT_SECONDS = 120;
/** A received message stays hidden while a run may still be working on it (6x the timeout, as AWS advises). */
export const REFINED_VISIBILITY_SECONDS = 6 * REFINED_TIMEOUT_SECONDS;
/** Deliveries of one staged event before it is kept in the dead-letter queue (version races are retried inside a run first). */
export const REFINED_MAX_RECEIVES = 5;
/** Refine runs at once, at most: runs of one patient's messages only race for versions. */
export const REFINED_MAX_CONCURRENCY = 5;
/** Days the bus archive keeps change events (the replayable feed). */
export const REFINED_ARCHIVE_DAYS = 365;
/** A staged message waiting longer than this to be refined raises the backlog alarm. */
export const REFINED_BACKLOG_ALARM_SECONDS = 15 * 60;

/**
 * refined: the FHIR refined zone on AWS (ADR 0011). The hub delivers `staged` to the refined
 * queue with the filter policy declared once in @hcdl/core (REFINED_SUBSCRIPTION, the one the
 * local hub evaluates); the refined function refines each message into versions in core's
 * resource table (KMS, point-in-time recovery; query-api reads it), writes their objects under refined/ and
 * publishes one change event per version to the refined EventBridge bus, whose archive keeps
 * them for replay. A message that keeps failing is kept in the dead-letter queue. The role
 * reads raw/ and the catalog, writes refined/ and the resource table, and puts events on the bus.
 */
export class RefinedStack extends LakeStack {
  /** The resource table (core's: the FHIR read routes of the front-door stack read it too). */
  readonly table: DynamodbTable;
  readonly bus: CloudwatchEventBus;
  readonly archive: CloudwatchEventArchive;
  readonly queue: SqsQueue;
  readonly dlq: DeadLetterQueue;
  readonly refined: LakeFunction;

  constructor(scope: Construct, id: string, props: RefinedStackProps) {
    super(scope, id, props.config);
    const { config, core } = props;
    this.notifyAlarmsTo(core.alarmTopic.arn);
    const name = (n: string) => this.resourceName(n);
    const lake = core.lakeBucket.arn;
    const defaults = this.lakeFunctionDefaults(core);
    this.table = core.resourceTable;

    this.bus = new CloudwatchEventBus(this, 'bus', {
      name: name('refined'),
      description: 'HCDL refined zone: one event per FHIR resource version (source hcdl.fhir)',
      kmsKeyIdentifier: core.key.arn,
    });
    this.archive = new CloudwatchEventArchive(this, 'archive', {
      name: name('refined-changes'),
      description: 'HCDL refined zone change events, kept for replay',
      eventSourceArn: this.bus.arn,
      eventPattern: JSON.stringify({ source: [REFINED_EVENT_SOURCE] }),
      retentionDays: REFINED_ARCHIVE_DAYS,
      kmsKeyIdentifier: core.key.arn,
    });

    this.dlq = new DeadLetterQueue(this, 'refined-dlq', { queueName: name('refined-dlq'), kmsKeyArn: core.key.arn });
    this.queue = new SqsQueue(this, 'refined-queue', {
      name: name('refined'),
      kmsMasterKeyId: core.key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      visibilityTimeoutSeconds: REFINED_VISIBILITY_SECONDS,
      messageRetentionSeconds: 4 * 24 * 3600,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.dlq.queue.arn, maxReceiveCount: REFINED_MAX_RECEIVES }),
    });
    new HubQueueSubscription(this, 'staged-subscription', { topicArn: core.hubTopic.arn, queue: this.queue, filterPolicy: REFINED_SUBSCRIPTION.filterPolicy });

    this.refined = new LakeFunction(this, 'refined', {
      ...defaults,
      functionName: name('refined'),
      roleName: this.globalName('refined'),
      code: bundleAsset(this, 'refined-code', props.bundles, LAMBDAS.refined.bundle),
      handler: LAMBDAS.refined.handler,
      description: 'HCDL refined: staged messages to FHIR R4 versions, objects under refined/, change events on the refined bus',
      memorySize: 1024,
      timeout: REFINED_TIMEOUT_SECONDS,
      environment: {
        ...defaults.environment,
        [SETTINGS.resourceTable.env]: this.table.name,
        [SETTINGS.refinedBusName.env]: this.bus.name,
      },
      statements: [
        ...readObjects(lake, [ZonePrefix.Raw, ZonePrefix.Refined], 'ReadRawAndRefined'),
        writeObjects(lake, [ZonePrefix.Refined], 'WriteRefined'),
        catalogRead(core.catalogTable.arn),
        // Commits are TransactWriteItems of puts (authorized as PutItem); publishing deletes outbox entries.
        allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], tableAndIndexArns(this.table.arn), 'ResourceIndex'),
        allow(['events:PutEvents'], [this.bus.arn], 'PublishChangeEvents'),
        allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [this.queue.arn], 'ConsumeRefinedQueue'),
        kmsUse(core.key.arn),
      ],
    });
    new LambdaEventSourceMapping(this, 'refined-events', {
      eventSourceArn: this.queue.arn,
      functionName: this.refined.fn.arn,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 1,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: REFINED_MAX_CONCURRENCY },
      dependsOn: [this.refined.policy],
    });

    thresholdAlarm(this, 'backlog-alarm', {
      alarmName: `${name('refined')}-backlog`,
      description: `A staged message has waited more than ${String(REFINED_BACKLOG_ALARM_SECONDS / 60)} minutes to be refined: see the refined function's errors and throttles.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: this.queue.name },
      statistic: 'Maximum',
      threshold: REFINED_BACKLOG_ALARM_SECONDS,
    });

    new TerraformOutput(this, 'refined_bus', { value: this.bus.name, description: 'EventBridge bus of the refined change events (source hcdl.fhir)' });
  }
}
