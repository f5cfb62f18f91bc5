import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * Sends every alarm of the scope it is added to (and its recovery) to the given targets,
 * e.g. an on-call SNS topic: `Aspects.of(app).add(new AlarmActions([topicArn]))`.
 */
export class AlarmActions implements IAspect {
  constructor(private readonly targets: readonly string[]) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CloudwatchMetricAlarm) || this.targets.length === 0) return;
    node.alarmActions = [...this.targets];
    node.okActions = [...this.targets];
  }
}
