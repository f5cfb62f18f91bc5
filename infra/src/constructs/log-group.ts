import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { Construct } from 'constructs';

export interface LakeLogGroupProps {
  name: string;
  retentionInDays: number;
  /** The lake key: logs hold ids and codes only, but they are encrypted like the data. */
  kmsKeyArn: string;
}

/** A log group with retention, encrypted with the lake key (the key policy lets CloudWatch Logs use it). */
export function lakeLogGroup(scope: Construct, id: string, props: LakeLogGroupProps): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, { name: props.name, retentionInDays: props.retentionInDays, kmsKeyId: props.kmsKeyArn });
}
