import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * Sends an alarm (and its recovery) to the given targets: the lake's alarm topic and any
 * configured on-call topic. Applied to every node of a stack by LakeStack.prepareStack (it
 * also works as an Aspect, but aspects run too late for cross-stack references).
 */
export class AlarmActions implements IAspect {
  constructor(private readonly targets: readonly string[]) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CloudwatchMetricAlarm) || this.targets.length === 0) return;
    node.alarmActions = [...this.targets];
    node.okActions = [...this.targets];
  }
}
