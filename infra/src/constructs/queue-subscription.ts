import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { policyDocument } from './policy';

export interface HubQueueSubscriptionProps {
  topicArn: string;
  queue: SqsQueue;
  /** The filter policy declared beside the use-case (the one the local hub evaluates). */
  filterPolicy: object;
}

/**
 * Subscribes a queue to the hub topic with its declared filter policy on the message
 * attributes, with raw message delivery: each SQS message body is the event body and the
 * event attributes arrive as SQS message attributes (read back by hubEventFromSqs). Only the
 * hub topic may send to the queue.
 */
export class HubQueueSubscription extends Construct {
  readonly subscription: SnsTopicSubscription;

  constructor(scope: Construct, id: string, props: HubQueueSubscriptionProps) {
    super(scope, id);
    const queuePolicy = new SqsQueuePolicy(this, 'queue-policy', {
      queueUrl: props.queue.url,
      policy: policyDocument([
        {
          Sid: 'HubDelivers',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: props.queue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': props.topicArn } },
        },
      ]),
    });
    this.subscription = new SnsTopicSubscription(this, 'subscription', {
      topicArn: props.topicArn,
      protocol: 'sqs',
      endpoint: props.queue.arn,
      rawMessageDelivery: true,
      filterPolicyScope: 'MessageAttributes',
      filterPolicy: JSON.stringify(props.filterPolicy),
      dependsOn: [queuePolicy],
    });
  }
}
