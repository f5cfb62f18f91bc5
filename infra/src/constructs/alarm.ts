import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';

export interface AlarmProps {
  alarmName: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: 'Sum' | 'Maximum';
  /** Alarm when the statistic over one minute is at least this. */
  threshold: number;
  /** SNS topics notified (e.g. an on-call topic); none by default. */
  alarmActions?: string[];
}

/** One-minute alarm that fires as soon as the metric reaches the threshold; no data is OK. */
export function thresholdAlarm(scope: Construct, id: string, props: AlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.description,
    namespace: props.namespace,
    metricName: props.metricName,
    dimensions: props.dimensions,
    statistic: props.statistic,
    period: 60,
    evaluationPeriods: 1,
    threshold: props.threshold,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    ...(props.alarmActions !== undefined ? { alarmActions: props.alarmActions } : {}),
  });
}
