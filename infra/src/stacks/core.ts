import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { CORE_WRITER_SUBSCRIPTION } from '@hcdl/fn-core-writer/subscription';
import type { Construct } from 'constructs';
import { isProtected, type InfraConfig } from '../config';
import { bundleAsset, type BundleSource } from '../constructs/bundle';
import { LakeFunction } from '../constructs/lake-function';
import { LAMBDAS } from '../handlers';
import { allow, catalogRead, catalogWrite, catalogWriteMessages, kmsUse, objectArns, publishToHub, readObjects } from '../constructs/policy';
import { DeadLetterQueue } from '../constructs/queue';
import { SecureBucket } from '../constructs/secure-bucket';
import { HubSubscription } from '../constructs/subscription';
import { ZonePrefix } from '../zones';
import { createCatalogTable } from './catalog-table';
import { createLakeKey } from './kms';
import { LakeStack } from './lake-stack';

export interface CoreStackProps {
  config: InfraConfig;
  bundles: BundleSource;
}

/** The environment variables naming core's resources, as the functions' env.ts reads them. */
export interface LakeEnvironment {
  HCDL_LAKE_BUCKET: string;
  HCDL_KMS_KEY_ID: string;
  HCDL_CATALOG_TABLE: string;
  HCDL_IDEMPOTENCY_TABLE: string;
  HCDL_HUB_TOPIC_ARN: string;
}

/**
 * What core hands on to the other stacks (front-door, staging, analytics): they receive these
 * constructs as props and reference their attributes; cdktf turns each cross-stack reference
 * into an output of core and a remote-state lookup in the consumer.
 */
export interface CoreResources {
  readonly key: KmsKey;
  readonly lakeBucket: S3Bucket;
  readonly artifactBucket: S3Bucket;
  readonly catalogTable: DynamodbTable;
  readonly idempotencyTable: DynamodbTable;
  readonly hubTopic: SnsTopic;
  /**
   * Core-writer's ingest function: the front door invokes it synchronously (and only it).
   * Not in lakeEnvironment(): the function would reference itself.
   */
  readonly coreIngestFunction: LambdaFunction;
  lakeEnvironment(): LakeEnvironment;
}

/**
 * core: the lake's data and its only writer. KMS key, lake and artifact buckets, catalog and
 * idempotency tables, the hub topic, the core-writer function subscribed to staging outcomes
 * and core-writer-ingest, which the front door invokes to make each message durable (ADR 0005).
 * Other stacks receive these resources as attributes of this stack.
 */
export class CoreStack extends LakeStack implements CoreResources {
  readonly key: KmsKey;
  readonly lakeBucket: S3Bucket;
  readonly artifactBucket: S3Bucket;
  readonly catalogTable: DynamodbTable;
  readonly idempotencyTable: DynamodbTable;
  readonly hubTopic: SnsTopic;
  readonly coreWriter: LakeFunction;
  readonly coreWriterDlq: DeadLetterQueue;
  readonly coreWriterIngest: LakeFunction;

  get coreIngestFunction(): LambdaFunction {
    return this.coreWriterIngest.fn;
  }

  constructor(scope: Construct, id: string, props: CoreStackProps) {
    super(scope, id, props.config);
    const { config } = props;
    const protect = isProtected(config.env);
    const name = (n: string) => this.resourceName(n);
    const account = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition');

    this.key = createLakeKey(this, { alias: name('lake'), accountId: account.accountId, partition: partition.partition, region: config.region, protect }).key;
    this.lakeBucket = new SecureBucket(this, 'lake', { bucketPrefix: name('lake-'), kmsKeyArn: this.key.arn, protect }).bucket;
    this.artifactBucket = new SecureBucket(this, 'artifacts', { bucketPrefix: name('artifacts-'), kmsKeyArn: this.key.arn, protect }).bucket;
    new S3BucketLifecycleConfiguration(this, 'lake-lifecycle', {
      bucket: this.lakeBucket.id,
      rule: [
        {
          id: 'raw-to-cheaper-storage',
          status: 'Enabled',
          filter: [{ prefix: ZonePrefix.Raw }],
          transition: [{ days: config.rawTransitionDays, storageClass: config.rawTransitionStorageClass }],
        },
        {
          id: 'work-expires-after-a-day',
          status: 'Enabled',
          filter: [{ prefix: ZonePrefix.Work }],
          expiration: [{ days: 1 }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        },
        {
          id: 'abort-incomplete-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    const tableProtection = {
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
      deletionProtectionEnabled: protect,
    } as const;
    this.catalogTable = createCatalogTable(this, 'catalog', { ...tableProtection, name: name('catalog') });
    this.idempotencyTable = new DynamodbTable(this, 'idempotency', {
      ...tableProtection,
      name: name('idempotency'),
      hashKey: 'id',
      attribute: [{ name: 'id', type: 'S' }],
      ttl: { enabled: true, attributeName: 'expiration' },
    });
    this.hubTopic = new SnsTopic(this, 'hub', { name: name('hub'), kmsMasterKeyId: this.key.arn });

    this.coreWriterDlq = new DeadLetterQueue(this, 'core-writer-dlq', { queueName: name('core-writer-dlq'), kmsKeyArn: this.key.arn });
    // One zip of the core-writer bundle, deployed twice (SNS handler and ingest).
    const coreWriterCode = bundleAsset(this, 'core-writer-code', props.bundles, LAMBDAS.coreWriter.bundle);
    this.coreWriter = new LakeFunction(this, 'core-writer', {
      functionName: name('core-writer'),
      code: coreWriterCode,
      handler: LAMBDAS.coreWriter.handler,
      description: 'HCDL core: writes staging JSON or error records and updates the catalog',
      ...this.coreWriterDefaults(),
      deadLetter: { queueArn: this.coreWriterDlq.queue.arn, kmsKeyArn: this.key.arn },
      statements: [
        // The staging hand-off (work/) is read and cleaned; the raw bytes are read to be kept in error/.
        ...readObjects(this.lakeBucket.arn, [ZonePrefix.Work, ZonePrefix.Raw], 'ReadHandOffAndRaw'),
        allow(['s3:DeleteObject'], objectArns(this.lakeBucket.arn, [ZonePrefix.Work]), 'CleanHandOff'),
        // The only writer of the staging and error zones (PutObjectTagging: `data_src` tags).
        allow(['s3:PutObject', 's3:PutObjectTagging'], objectArns(this.lakeBucket.arn, [ZonePrefix.Staging, ZonePrefix.Error]), 'WriteZones'),
        catalogWrite(this.catalogTable.arn),
        // Every catalog write is mirrored as NDJSON under catalog/ for Athena (MirroredCatalog).
        allow(['s3:PutObject'], objectArns(this.lakeBucket.arn, [ZonePrefix.Catalog]), 'MirrorCatalog'),
        // Replays of error messages re-publish `ingested`.
        publishToHub(this.hubTopic.arn),
        kmsUse(this.key.arn),
      ],
    });
    this.coreWriterIngest = new LakeFunction(this, 'core-writer-ingest', {
      functionName: name('core-writer-ingest'),
      code: coreWriterCode,
      handler: LAMBDAS.coreWriterIngest.handler,
      description: 'HCDL core ingest: makes each accepted message durable (raw object, catalog row) for the front door',
      ...this.coreWriterDefaults(),
      statements: [
        // The request bytes the front door landed, read once and then deleted.
        ...readObjects(this.lakeBucket.arn, [ZonePrefix.Incoming], 'ReadLandedRequests'),
        allow(['s3:DeleteObject'], objectArns(this.lakeBucket.arn, [ZonePrefix.Incoming]), 'CleanLandedRequests'),
        // The only writer of raw bytes; input that is not HL7 also goes to the error zone.
        allow(['s3:PutObject', 's3:PutObjectTagging'], objectArns(this.lakeBucket.arn, [ZonePrefix.Raw, ZonePrefix.Error]), 'IngestRawAndRejected'),
        // Message and error rows only (MSG# keys), never the patient index.
        catalogRead(this.catalogTable.arn),
        catalogWriteMessages(this.catalogTable.arn, 'IngestCatalogRows'),
        // Their mirror for Athena: message and error rows only, as in the table.
        allow(['s3:PutObject'], objectArns(this.lakeBucket.arn, [ZonePrefix.CatalogMessages, ZonePrefix.CatalogErrors]), 'MirrorCatalogRows'),
        publishToHub(this.hubTopic.arn),
        kmsUse(this.key.arn),
      ],
    });
    new HubSubscription(this, 'core-writer-subscription', {
      topicArn: this.hubTopic.arn,
      fn: this.coreWriter.fn,
      filterPolicy: CORE_WRITER_SUBSCRIPTION.filterPolicy,
      deadLetterQueue: this.coreWriterDlq.queue,
    });
  }

  /**
   * The lake function defaults plus HCDL_CATALOG_MIRROR: core-writer's functions, the only
   * writers of the catalog, mirror it under catalog/ for Athena (packages/aws catalogFor).
   */
  private coreWriterDefaults(): ReturnType<LakeStack['lakeFunctionDefaults']> {
    const defaults = this.lakeFunctionDefaults(this);
    return { ...defaults, environment: { ...defaults.environment, HCDL_CATALOG_MIRROR: 'true' } };
  }

  /** HCDL_* variables every function of the lake receives. */
  lakeEnvironment(): LakeEnvironment {
    return {
      HCDL_LAKE_BUCKET: this.lakeBucket.bucket,
      HCDL_KMS_KEY_ID: this.key.arn,
      HCDL_CATALOG_TABLE: this.catalogTable.name,
      HCDL_IDEMPOTENCY_TABLE: this.idempotencyTable.name,
      HCDL_HUB_TOPIC_ARN: this.hubTopic.arn,
    };
  }
}
