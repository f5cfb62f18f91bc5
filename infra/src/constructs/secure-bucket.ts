import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from './policy';

export interface SecureBucketProps {
  /** Bucket name prefix; Terraform appends a unique suffix (bucket names are global). */
  bucketPrefix: string;
  kmsKeyArn: string;
  /** Prod: the bucket survives `terraform destroy` (prevent_destroy) and is never force-emptied. */
  protect: boolean;
  /** Statements the bucket policy adds to the TLS-only deny (e.g. letting a log-delivery service write), given the bucket's ARN. */
  statements?: (bucketArn: string) => PolicyStatement[];
  /** Object Lock: can only be turned on when the bucket is created (a new bucket, a new name). */
  objectLock?: boolean;
}

/**
 * A private bucket: SSE-KMS with the customer-managed key and an S3 bucket key, versioning,
 * ACLs disabled, every public access blocked, and a policy refusing any request without TLS.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly versioning: S3BucketVersioningA;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', {
      bucketPrefix: props.bucketPrefix,
      forceDestroy: !props.protect,
      lifecycle: { preventDestroy: props.protect },
      ...(props.objectLock === true ? { objectLockEnabled: true } : {}),
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    this.versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          // A Deny: it refuses every S3 action made without TLS, it grants nothing.
          Action: 's3:*',
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        ...(props.statements?.(this.bucket.arn) ?? []),
      ]),
      // The policy is only accepted once public access is blocked (no race with the block).
      dependsOn: [this.publicAccessBlock],
    });
  }
}
