import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { thresholdAlarm } from './alarm';

export interface DeadLetterQueueProps {
  /** Full queue name (already env-prefixed). */
  queueName: string;
  kmsKeyArn: string;
}

/** Encrypted (customer-managed KMS) dead-letter queue kept 14 days, with an alarm on its depth. */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      kmsMasterKeyId: props.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    thresholdAlarm(this, 'depth-alarm', {
      alarmName: `${props.queueName}-depth`,
      description: `Messages are waiting in ${props.queueName}: their processing failed after every retry (redrive them once the cause is fixed).`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.queue.name },
      statistic: 'Maximum',
      threshold: 1,
    });
  }
}
