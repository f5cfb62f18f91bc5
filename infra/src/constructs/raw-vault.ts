import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import type { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { allow, assumeRolePolicy, objectArns, policyDocument } from './policy';
import { SecureBucket } from './secure-bucket';

export interface RawVaultProps {
  /** Name prefix of the vault bucket (already env-prefixed). */
  bucketPrefix: string;
  /** IAM name of the replication role (global: carries the region). */
  roleName: string;
  lakeBucket: S3Bucket;
  /** The lake bucket's versioning (replication needs it on before the rule is accepted). */
  lakeVersioning: S3BucketVersioningA;
  /** The zone copied: `raw/`. */
  prefix: string;
  kmsKeyArn: string;
  region: string;
  protect: boolean;
  /** Default retention of every copy, in days (governance mode). */
  retentionDays: number;
}

/**
 * Object Lock for the raw zone without locking the rest of the lake
 * (docs/adr/0007-raw-zone-object-lock.md): a vault bucket created with Object Lock and a
 * default retention in governance mode, and an S3 replication rule copying every new object
 * under `raw/` of the lake bucket into it. Deletes are not replicated: a raw message deleted or
 * overwritten in the lake is still in the vault until its retention ends, and nobody can
 * shorten that retention or delete a copy without s3:BypassGovernanceRetention, which no
 * HCDL role holds.
 */
export class RawVault extends Construct {
  readonly bucket: S3Bucket;
  readonly role: IamRole;
  readonly replication: S3BucketReplicationConfigurationA;

  constructor(scope: Construct, id: string, props: RawVaultProps) {
    super(scope, id);
    const vault = new SecureBucket(this, 'bucket', { bucketPrefix: props.bucketPrefix, kmsKeyArn: props.kmsKeyArn, protect: props.protect, objectLock: true });
    this.bucket = vault.bucket;
    new S3BucketObjectLockConfigurationA(this, 'object-lock', {
      bucket: this.bucket.id,
      rule: { defaultRetention: { mode: 'GOVERNANCE', days: props.retentionDays } },
      dependsOn: [vault.versioning],
    });
    // Once its retention has passed, a copy goes (the lake's raw/ keeps the original forever).
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-after-retention',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        },
      ],
    });

    const lake = props.lakeBucket.arn;
    this.role = new IamRole(this, 'role', { name: props.roleName, assumeRolePolicy: assumeRolePolicy('s3.amazonaws.com') });
    const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${props.region}.amazonaws.com` } };
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: policyDocument([
        allow(['s3:GetReplicationConfiguration', 's3:ListBucket'], [lake], 'ReadReplicationRule'),
        allow(
          ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
          objectArns(lake, [props.prefix]),
          'ReadRawVersions',
        ),
        // Copies only: no s3:ReplicateDelete, so a delete in the lake never reaches the vault.
        allow(['s3:ReplicateObject', 's3:ReplicateTags'], objectArns(this.bucket.arn, [props.prefix]), 'WriteCopies'),
        { ...allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [props.kmsKeyArn], 'UseLakeKeyThroughS3'), Condition: viaS3 },
      ]),
    });
    this.replication = new S3BucketReplicationConfigurationA(this, 'replication', {
      bucket: props.lakeBucket.id,
      role: this.role.arn,
      rule: [
        {
          id: 'raw-to-vault',
          status: 'Enabled',
          priority: 1,
          filter: { prefix: props.prefix },
          deleteMarkerReplication: { status: 'Disabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: { bucket: this.bucket.arn, encryptionConfiguration: { replicaKmsKeyId: props.kmsKeyArn } },
        },
      ],
      dependsOn: [props.lakeVersioning, vault.versioning, policy],
    });
  }
}
