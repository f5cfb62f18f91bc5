import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { Construct } from 'constructs';
import { policyDocument } from '../constructs/policy';

export interface LakeKeyProps {
  alias: string;
  accountId: string;
  partition: string;
  region: string;
  /** Prod waits the maximum 30 days before a scheduled deletion; dev 7. */
  protect: boolean;
}

// Key administration and use delegated to IAM policies of the account (no `kms:*`).
const ACCOUNT_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
];

/**
 * The lake's customer-managed key (rotation on). A key policy's Resource is always "*"
 * (it means "this key"). SNS may use it to deliver to the encrypted dead-letter queues, and
 * CloudWatch Logs to encrypt the account's log groups in this region.
 */
export function createLakeKey(scope: Construct, props: LakeKeyProps): { key: KmsKey; alias: KmsAlias } {
  const key = new KmsKey(scope, 'lake-key', {
    description: 'HCDL lake data key (S3 zones, DynamoDB, SNS, SQS)',
    enableKeyRotation: true,
    deletionWindowInDays: props.protect ? 30 : 7,
    policy: policyDocument([
      {
        Sid: 'AccountAdministersAndDelegatesToIam',
        Effect: 'Allow',
        Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
        Action: ACCOUNT_ACTIONS,
        Resource: '*',
      },
      {
        Sid: 'SnsDeliversToEncryptedQueues',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
      },
      {
        Sid: 'CloudWatchLogsEncryptsLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${props.region}.amazonaws.com` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:*` } },
      },
    ]),
  });
  const alias = new KmsAlias(scope, 'lake-key-alias', { name: `alias/${props.alias}`, targetKeyId: key.keyId });
  return { key, alias };
}
