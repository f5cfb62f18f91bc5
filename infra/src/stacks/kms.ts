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
  /** ARN of the stack's CloudTrail trail, which encrypts its log files with this key; none: the organization's trail. */
  trailArn?: string;
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
 * (it means "this key"). Services may use it for this account only: SNS and EventBridge to
 * deliver to the encrypted queues, CloudWatch Logs to encrypt the log groups, CloudWatch alarms to publish to
 * the encrypted alarm topic, S3 server access logging to write into the encrypted log bucket,
 * and the stack's trail to encrypt its log files.
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
        // S3 events of the lake reach the encrypted landing queue through an EventBridge rule.
        Sid: 'EventBridgeDeliversToEncryptedQueues',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
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
      {
        Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
      },
      {
        Sid: 'S3AccessLogsEncrypt',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: ['kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
      },
      ...(props.trailArn === undefined
        ? []
        : [
            {
              Sid: 'CloudTrailEncryptsLogFiles',
              Effect: 'Allow' as const,
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: ['kms:GenerateDataKey*'],
              Resource: '*',
              Condition: {
                StringEquals: { 'aws:SourceArn': props.trailArn },
                StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${props.partition}:cloudtrail:*:${props.accountId}:trail/*` },
              },
            },
            {
              // DescribeKey carries no encryption context: its own statement, on the trail's ARN only.
              Sid: 'CloudTrailDescribesKey',
              Effect: 'Allow' as const,
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: ['kms:DescribeKey'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceArn': props.trailArn } },
            },
          ]),
    ]),
  });
  const alias = new KmsAlias(scope, 'lake-key-alias', { name: `alias/${props.alias}`, targetKeyId: key.keyId });
  return { key, alias };
}
