import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { SETTINGS } from '@hcdl/lake';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config';
import { bundleAsset, type BundleSource } from '../constructs/bundle';
import { LakeFunction } from '../constructs/lake-function';
import {
  allow,
  catalogRead,
  catalogWriteMessages,
  idempotencyUse,
  kmsUse,
  objectArns,
  policyDocument,
  publishToHub,
  readObjects,
  writeObjects,
} from '../constructs/policy';
import { DeadLetterQueue } from '../constructs/queue';
import { LAMBDAS } from '../handlers';
import { ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { SUBMIT_CONCURRENCY } from './front-door';
import { LakeStack } from './lake-stack';

export interface LandingStackProps {
  config: InfraConfig;
  bundles: BundleSource;
  core: CoreResources;
}

/** Longest a landed file may take to ingest (a 100 MB batch file of small messages, in parallel). */
export const LANDING_TIMEOUT_SECONDS = 600;
/** A received event stays hidden while a run may still be working on it (AWS advises 6x the timeout for Lambda consumers). */
export const LANDING_VISIBILITY_SECONDS = 6 * LANDING_TIMEOUT_SECONDS;
/** Deliveries of one file's event before it is kept in the landing dead-letter queue. */
export const LANDING_MAX_RECEIVES = 3;
/** Landing runs at once, at most (each ingests its file's messages SUBMIT_CONCURRENCY at a time). */
export const LANDING_MAX_CONCURRENCY = 10;

/**
 * landing: files ingested from the bucket (issue 16). S3 sends the lake's object events to
 * EventBridge (core); a rule here routes `Object Created` under `upload/` (presigned uploads)
 * and `landing/` (file drops) to the landing queue, which the landing function consumes in
 * batches with partial batch failure; a file that fails its retries stays where it landed and
 * its event in the dead-letter queue. The function runs the same ingest as the front door,
 * with the front door's grants plus reading and removing landed files. Each file-drop source
 * gets a managed policy allowing PutObject under its own prefix only, attached to the roles
 * the environment names.
 */
export class LandingStack extends LakeStack {
  readonly landing: LakeFunction;
  readonly queue: SqsQueue;
  readonly dlq: DeadLetterQueue;
  readonly rule: CloudwatchEventRule;
  readonly fileDropPolicies: Record<string, IamPolicy> = {};

  constructor(scope: Construct, id: string, props: LandingStackProps) {
    super(scope, id, props.config);
    const { config, core } = props;
    this.notifyAlarmsTo(core.alarmTopic.arn);
    const name = (n: string) => this.resourceName(n);
    const lake = core.lakeBucket.arn;
    const defaults = this.lakeFunctionDefaults(core);
    const sources = Object.keys(config.fileDrop).sort();

    this.dlq = new DeadLetterQueue(this, 'landing-dlq', { queueName: name('landing-dlq'), kmsKeyArn: core.key.arn });
    this.queue = new SqsQueue(this, 'landing-queue', {
      name: name('landing'),
      kmsMasterKeyId: core.key.arn,
      kmsDataKeyReusePeriodSeconds: 300,
      visibilityTimeoutSeconds: LANDING_VISIBILITY_SECONDS,
      messageRetentionSeconds: 4 * 24 * 3600,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.dlq.queue.arn, maxReceiveCount: LANDING_MAX_RECEIVES }),
    });

    this.rule = new CloudwatchEventRule(this, 'landed-objects', {
      name: name('landed-objects'),
      description: 'HCDL: files uploaded (upload/) or dropped (landing/) in the lake bucket',
      eventPattern: JSON.stringify({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [core.lakeBucket.bucket] }, object: { key: [{ prefix: ZonePrefix.Upload }, { prefix: ZonePrefix.Landing }] } },
      }),
    });
    const queuePolicy = new SqsQueuePolicy(this, 'landing-queue-policy', {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          Sid: 'LandedObjectEvents',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.queue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
        },
      ]),
    });
    new CloudwatchEventTarget(this, 'landed-objects-to-queue', { rule: this.rule.name, arn: this.queue.arn, dependsOn: [queuePolicy] });

    this.landing = new LakeFunction(this, 'landing', {
      ...defaults,
      functionName: name('landing'),
      roleName: this.globalName('landing'),
      code: bundleAsset(this, 'landing-code', props.bundles, LAMBDAS.landing.bundle),
      handler: LAMBDAS.landing.handler,
      description: 'HCDL landing: uploaded and dropped files ingested like a POST (split, dedup, durable ingest, report)',
      memorySize: 1024,
      timeout: LANDING_TIMEOUT_SECONDS,
      environment: {
        ...defaults.environment,
        [SETTINGS.catalogMirror.env]: 'true',
        [SETTINGS.submitConcurrency.env]: String(SUBMIT_CONCURRENCY),
        [SETTINGS.uploadMaxBytes.env]: String(config.uploadMaxBytes),
        [SETTINGS.fileDropSources.env]: sources.join(','),
      },
      statements: [
        // The landed file: read once, removed once ingested (its bytes are in raw/ by then).
        ...readObjects(lake, [ZonePrefix.Upload, ZonePrefix.Landing], 'ReadLandedFiles'),
        allow(['s3:DeleteObject'], objectArns(lake, [ZonePrefix.Upload, ZonePrefix.Landing]), 'RemoveIngestedFiles'),
        // The front door's ingest grants (ADR 0006), no more.
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Raw]), 'IngestRaw'),
        writeObjects(lake, [ZonePrefix.Error], 'KeepRejected'),
        catalogRead(core.catalogTable.arn),
        catalogWriteMessages(core.catalogTable.arn, 'IngestCatalogRows'),
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.CatalogMessages, ZonePrefix.CatalogErrors]), 'MirrorCatalogRows'),
        idempotencyUse(core.idempotencyTable.arn),
        publishToHub(core.hubTopic.arn),
        allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [this.queue.arn], 'ConsumeLandingQueue'),
        kmsUse(core.key.arn),
      ],
    });
    new LambdaEventSourceMapping(this, 'landing-events', {
      eventSourceArn: this.queue.arn,
      functionName: this.landing.fn.arn,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 5,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: LANDING_MAX_CONCURRENCY },
      dependsOn: [this.landing.policy],
    });

    for (const source of sources) {
      const policy = new IamPolicy(this, `file-drop-${source}`, {
        name: this.globalName(`file-drop-${source}`),
        description: `Drop HL7 v2 files for source ${source} into the HCDL lake (landing/source=${source}/ only)`,
        policy: policyDocument([
          allow(['s3:PutObject'], objectArns(lake, [`${ZonePrefix.Landing}source=${source}/`]), 'DropFiles'),
          // The bucket encrypts with the lake key: a writer needs a data key of it, through S3 only.
          {
            ...allow(['kms:GenerateDataKey'], [core.key.arn], 'EncryptDroppedFiles'),
            Condition: { StringEquals: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } },
          },
        ]),
      });
      this.fileDropPolicies[source] = policy;
      for (const role of config.fileDrop[source]?.roles ?? []) {
        new IamRolePolicyAttachment(this, `file-drop-${source}-${role}`, { role, policyArn: policy.arn });
      }
      new TerraformOutput(this, `file-drop-policy-${source}`, { value: policy.arn, description: `attach to the principals that drop files for ${source}` });
    }
    new TerraformOutput(this, 'landing_prefix', {
      value: `s3://${core.lakeBucket.bucket}/${ZonePrefix.Landing}source=<source>/`,
      description: 'where file drops go',
    });
  }
}
