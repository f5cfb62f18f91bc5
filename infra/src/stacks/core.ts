import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SETTINGS } from '@hcdl/lake';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { AuditTrail, type InfraConfig } from '../config';
import { AccessLogs } from '../constructs/access-logs';
import { AlarmTopic } from '../constructs/alarm-topic';
import { apiEventSelectors, DataEventTrail, dataEventSelectors } from '../constructs/data-event-trail';
import { RawVault } from '../constructs/raw-vault';
import { SecureBucket } from '../constructs/secure-bucket';
import { LANDED_FILE_DAYS, ZonePrefix } from '../zones';
import { createCatalogTable } from './catalog-table';
import { createLakeKey } from './kms';
import { createResourceTable } from './resource-table';
import { LakeStack } from './lake-stack';

export interface CoreStackProps {
  config: InfraConfig;
}

/** The environment variables naming core's resources, as the functions' env.ts reads them. */
export type LakeEnvironment = Record<(typeof SETTINGS)['lakeBucket' | 'kmsKeyId' | 'catalogTable' | 'idempotencyTable' | 'hubTopicArn']['env'], string>;

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
  /** The refined zone's resource index (ADR 0011): the refined function writes it, query-api reads it. */
  readonly resourceTable: DynamodbTable;
  readonly hubTopic: SnsTopic;
  /** Every alarm of every stack notifies it. */
  readonly alarmTopic: SnsTopic;
  lakeEnvironment(): LakeEnvironment;
}

/**
 * core: the lake's data and its audit. KMS key, lake and artifact buckets, catalog,
 * idempotency and resource tables, the hub topic; the alarm topic; S3 server access logs of every bucket;
 * a CloudTrail trail of every data event on the buckets' objects and the tables' items (or
 * the selectors for the organization's trail); optionally the raw zone's Object Lock vault.
 * The functions that write the data live with the service that runs them (front-door,
 * staging), each with the grants of its use-case only (ADR 0006). Other stacks receive these
 * resources as attributes of this stack.
 */
export class CoreStack extends LakeStack implements CoreResources {
  readonly key: KmsKey;
  readonly lakeBucket: S3Bucket;
  readonly artifactBucket: S3Bucket;
  readonly catalogTable: DynamodbTable;
  readonly idempotencyTable: DynamodbTable;
  readonly resourceTable: DynamodbTable;
  readonly hubTopic: SnsTopic;
  readonly alarmTopic: SnsTopic;
  readonly accessLogs: AccessLogs;
  readonly trail?: DataEventTrail;
  readonly rawVault?: RawVault;

  constructor(scope: Construct, id: string, props: CoreStackProps) {
    super(scope, id, props.config);
    const { config } = props;
    const protect = config.protected;
    const name = (n: string) => this.resourceName(n);
    const account = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition');

    const stackTrail = config.audit.trail === AuditTrail.Stack;
    const trailName = name('data-events');
    const trailArn = `arn:${partition.partition}:cloudtrail:${config.region}:${account.accountId}:trail/${trailName}`;
    this.key = createLakeKey(this, {
      alias: name('lake'),
      accountId: account.accountId,
      partition: partition.partition,
      region: config.region,
      protect,
      ...(stackTrail ? { trailArn } : {}),
    }).key;
    const lake = new SecureBucket(this, 'lake', { bucketPrefix: name('lake-'), kmsKeyArn: this.key.arn, protect });
    this.lakeBucket = lake.bucket;
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
        // Landed files are removed once ingested; one that never could be is kept as long as
        // its event in the landing dead-letter queue, then removed.
        ...[ZonePrefix.Upload, ZonePrefix.Landing].map((prefix) => ({
          id: `${prefix.replace(/\/$/, '')}-expires`,
          status: 'Enabled',
          filter: [{ prefix }],
          expiration: [{ days: LANDED_FILE_DAYS }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        })),
        {
          id: 'abort-incomplete-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    // Object events go to EventBridge (free for S3 events): the landing stack routes those of
    // upload/ and landing/ to its queue; other consumers add their own rules. (A bucket has one
    // notification configuration: with EventBridge, no stack needs to own another.)
    new S3BucketNotification(this, 'lake-events', { bucket: this.lakeBucket.id, eventbridge: true });

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
    // Lake data like the catalog, so core's: the FHIR read routes (query-api, front-door stack)
    // read it whether or not the refined stack that fills it is deployed (then it is empty).
    this.resourceTable = createResourceTable(this, 'resources', { ...tableProtection, name: name('resources') });
    this.hubTopic = new SnsTopic(this, 'hub', { name: name('hub'), kmsMasterKeyId: this.key.arn });
    this.alarmTopic = new AlarmTopic(this, 'alarms', {
      name: name('alarms'),
      kmsKeyArn: this.key.arn,
      accountId: account.accountId,
      emails: config.alarmEmails,
    }).topic;

    if (config.rawObjectLock !== undefined) {
      this.rawVault = new RawVault(this, 'raw-vault', {
        bucketPrefix: name('raw-vault-'),
        roleName: this.globalName('raw-vault-replication'),
        lakeBucket: this.lakeBucket,
        lakeVersioning: lake.versioning,
        prefix: ZonePrefix.Raw,
        kmsKeyArn: this.key.arn,
        region: config.region,
        protect,
        retentionDays: config.rawObjectLock.retentionDays,
      });
    }

    // Athena results (artifacts) hold query answers, so patient data: audited like the lake.
    const dataBuckets = [this.lakeBucket, this.artifactBucket, ...(this.rawVault !== undefined ? [this.rawVault.bucket] : [])];
    const targets = { buckets: dataBuckets.map((b) => b.arn), tables: [this.catalogTable.arn, this.idempotencyTable.arn] };
    const auditSettings = { kmsKeyArn: this.key.arn, accountId: account.accountId, protect, retentionDays: config.audit.logRetentionDays };
    if (stackTrail) {
      this.trail = new DataEventTrail(this, 'trail', { ...auditSettings, name: trailName, trailArn, bucketPrefix: name('trail-'), targets });
    } else {
      new TerraformOutput(this, 'organization_trail_selectors', {
        value: JSON.stringify(apiEventSelectors(dataEventSelectors(targets))),
        description: "Advanced event selectors the organization's trail needs for this lake (HCDL_AUDIT_TRAIL=organization)",
      });
    }
    this.accessLogs = new AccessLogs(this, 'access-logs', {
      ...auditSettings,
      bucketPrefix: name('access-logs-'),
      sources: {
        lake: this.lakeBucket,
        artifacts: this.artifactBucket,
        ...(this.rawVault !== undefined ? { 'raw-vault': this.rawVault.bucket } : {}),
        ...(this.trail !== undefined ? { trail: this.trail.bucket } : {}),
      },
    });
  }

  /** HCDL_* variables every function of the lake receives (names: SETTINGS in @hcdl/lake). */
  lakeEnvironment(): LakeEnvironment {
    return {
      [SETTINGS.lakeBucket.env]: this.lakeBucket.bucket,
      [SETTINGS.kmsKeyId.env]: this.key.arn,
      [SETTINGS.catalogTable.env]: this.catalogTable.name,
      [SETTINGS.idempotencyTable.env]: this.idempotencyTable.name,
      [SETTINGS.hubTopicArn.env]: this.hubTopic.arn,
    } as LakeEnvironment;
  }
}
