import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { policyDocument } from './policy';

export interface AlarmTopicProps {
  /** Topic name (already env-prefixed). */
  name: string;
  kmsKeyArn: string;
  accountId: string;
  /** Addresses subscribed by email (each confirms the subscription from the message AWS sends). */
  emails: readonly string[];
}

/**
 * The topic every CloudWatch alarm of the lake notifies, on alarm and on recovery
 * (constructs/alarm-actions.ts): there from the first deploy, so an alarm always reaches a
 * place someone can subscribe to. Encrypted with the lake key (CloudWatch may use it: kms.ts);
 * only CloudWatch alarms of this account publish to it. Email subscriptions come from the
 * configuration; other subscribers (chat, paging) subscribe to the topic themselves.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: props.name, kmsMasterKeyId: props.kmsKeyArn });
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['sns:Publish'],
          Resource: [this.topic.arn],
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
      ]),
    });
    for (const email of props.emails) {
      // Named by the address: reordering the list changes no subscription.
      new SnsTopicSubscription(this, `email-${email}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    }
  }
}
