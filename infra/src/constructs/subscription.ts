import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { policyDocument } from './policy';

export interface HubSubscriptionProps {
  topicArn: string;
  fn: LambdaFunction;
  /** The filter policy declared beside the function (the one the local hub evaluates). */
  filterPolicy: object;
  /** Messages SNS cannot deliver (after its retries) are kept here. */
  deadLetterQueue: SqsQueue;
}

/**
 * Subscribes a function to the hub topic with its declared filter policy on the message
 * attributes; SNS may invoke the function, and undeliverable messages go to the DLQ.
 */
export class HubSubscription extends Construct {
  readonly subscription: SnsTopicSubscription;

  constructor(scope: Construct, id: string, props: HubSubscriptionProps) {
    super(scope, id);
    const invoke = new LambdaPermission(this, 'invoke', {
      action: 'lambda:InvokeFunction',
      functionName: props.fn.functionName,
      principal: 'sns.amazonaws.com',
      sourceArn: props.topicArn,
    });
    const queuePolicy = new SqsQueuePolicy(this, 'dlq-policy', {
      queueUrl: props.deadLetterQueue.url,
      policy: policyDocument([
        {
          Sid: 'TopicRedrive',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: props.deadLetterQueue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': props.topicArn } },
        },
      ]),
    });
    this.subscription = new SnsTopicSubscription(this, 'subscription', {
      topicArn: props.topicArn,
      protocol: 'lambda',
      endpoint: props.fn.arn,
      filterPolicyScope: 'MessageAttributes',
      filterPolicy: JSON.stringify(props.filterPolicy),
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: props.deadLetterQueue.arn }),
      dependsOn: [invoke, queuePolicy],
    });
  }
}
