import { Cloudtrail, type CloudtrailAdvancedEventSelector } from '@cdktf/provider-aws/lib/cloudtrail';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Construct } from 'constructs';
import { SecureBucket } from './secure-bucket';

export interface DataEventTargets {
  /** Buckets whose object reads and writes are recorded (every object). */
  buckets: readonly string[];
  /** Tables whose item reads and writes are recorded. */
  tables: readonly string[];
}

/**
 * CloudTrail advanced event selectors recording every data event (reads and writes) on the
 * objects of the given buckets and the items of the given tables: who touched which patient
 * byte, when, from where. The same selectors go into an organization trail when the
 * organization records the lake's events (docs/compliance.md).
 */
export function dataEventSelectors(targets: DataEventTargets): CloudtrailAdvancedEventSelector[] {
  return [
    {
      name: 'HCDL lake objects: every read and write',
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
        { field: 'resources.ARN', startsWith: targets.buckets.map((arn) => `${arn}/`) },
      ],
    },
    {
      name: 'HCDL catalog and idempotency items: every read and write',
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
        { field: 'resources.ARN', equalTo: [...targets.tables] },
      ],
    },
  ];
}

/**
 * The same selectors in the shape of CloudTrail's API (`aws cloudtrail put-event-selectors
 * --advanced-event-selectors`), for an organization trail's administrator.
 */
export function apiEventSelectors(selectors: readonly CloudtrailAdvancedEventSelector[]): object[] {
  return selectors.map((s) => ({
    Name: s.name,
    FieldSelectors: (s.fieldSelector as { field: string; equalTo?: string[]; startsWith?: string[] }[]).map((f) => ({
      Field: f.field,
      ...(f.equalTo !== undefined ? { Equals: f.equalTo } : {}),
      ...(f.startsWith !== undefined ? { StartsWith: f.startsWith } : {}),
    })),
  }));
}

export interface DataEventTrailProps {
  /** Trail name (already env-prefixed); the trail's ARN is built from it for the bucket and key policies. */
  name: string;
  /** `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`. */
  trailArn: string;
  bucketPrefix: string;
  kmsKeyArn: string;
  accountId: string;
  protect: boolean;
  retentionDays: number;
  targets: DataEventTargets;
}

/**
 * A trail of the lake's data events (management events are the account's or organization's
 * trail's job), written to its own bucket, encrypted with the lake key, with log file
 * integrity validation (signed digest files) so a changed or deleted log file is detected.
 */
export class DataEventTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: DataEventTrailProps) {
    super(scope, id);
    const source = { StringEquals: { 'aws:SourceArn': props.trailArn } };
    const secure = new SecureBucket(this, 'bucket', {
      bucketPrefix: props.bucketPrefix,
      kmsKeyArn: props.kmsKeyArn,
      protect: props.protect,
      statements: (arn) => [
        {
          Sid: 'CloudTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: ['s3:GetBucketAcl'],
          Resource: [arn],
          Condition: source,
        },
        {
          Sid: 'CloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: ['s3:PutObject'],
          Resource: [`${arn}/AWSLogs/${props.accountId}/*`],
          Condition: source,
        },
      ],
    });
    this.bucket = secure.bucket;
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-trail-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        },
      ],
    });
    this.trail = new Cloudtrail(this, 'trail', {
      name: props.name,
      s3BucketName: this.bucket.id,
      kmsKeyId: props.kmsKeyArn,
      enableLogFileValidation: true,
      enableLogging: true,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      advancedEventSelector: dataEventSelectors(props.targets),
      // The bucket policy must let CloudTrail write before the trail is created.
      dependsOn: [secure.policy],
    });
  }
}
