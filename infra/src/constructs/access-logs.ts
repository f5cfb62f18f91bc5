import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { Construct } from 'constructs';
import { SecureBucket } from './secure-bucket';

export interface AccessLogsProps {
  /** Name prefix of the log bucket (already env-prefixed). */
  bucketPrefix: string;
  kmsKeyArn: string;
  accountId: string;
  protect: boolean;
  /** Days a log object is kept. */
  retentionDays: number;
  /** The buckets whose requests are logged, each under `<name>/` in the log bucket. */
  sources: Record<string, S3Bucket>;
}

/**
 * S3 server access logs of the lake's buckets: every request (who, what key, when, result)
 * lands in one private, KMS-encrypted, versioned log bucket, kept `retentionDays`. Only the
 * S3 logging service may write there, and only for the listed buckets of this account (its
 * key-policy grant is in kms.ts). Log records hold object keys (source and message ids), never
 * object content.
 */
export class AccessLogs extends Construct {
  readonly bucket: S3Bucket;
  readonly logging: Record<string, S3BucketLoggingA>;

  constructor(scope: Construct, id: string, props: AccessLogsProps) {
    super(scope, id);
    const sources = Object.entries(props.sources);
    this.bucket = new SecureBucket(this, 'bucket', {
      bucketPrefix: props.bucketPrefix,
      kmsKeyArn: props.kmsKeyArn,
      protect: props.protect,
      statements: (arn) => [
        {
          Sid: 'S3ServerAccessLogsDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: ['s3:PutObject'],
          Resource: [`${arn}/*`],
          Condition: {
            ArnLike: { 'aws:SourceArn': sources.map(([, bucket]) => bucket.arn) },
            StringEquals: { 'aws:SourceAccount': props.accountId },
          },
        },
      ],
    }).bucket;
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        },
      ],
    });
    this.logging = {};
    for (const [name, source] of sources) {
      this.logging[name] = new S3BucketLoggingA(this, `logging-${name}`, {
        bucket: source.id,
        targetBucket: this.bucket.id,
        targetPrefix: `${name}/`,
        // <name>/<account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/…: Athena can prune by day.
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
      });
    }
  }
}
