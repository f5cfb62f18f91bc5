import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { snsAttributesOf, type Hub, type HubEvent } from '@hcdl/lake';

/**
 * Hub on an SNS topic. The event body (pointers only) is the message, JSON; the event
 * attributes become String MessageAttributes through the same `snsAttributesOf` the Lambda
 * side reads back with `hubEventFromSns`, so the subscriptions' filter policies (declared
 * beside each function, evaluated in process by the local hub) see the same attributes.
 */
export class SnsHub implements Hub {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** The exact Publish input of an event (SNS refuses empty values: `snsAttributesOf` leaves them out). */
  publishInput(event: HubEvent): PublishCommandInput {
    return { TopicArn: this.topicArn, Message: JSON.stringify(event.body), MessageAttributes: snsAttributesOf(event.attributes) };
  }

  async publish(event: HubEvent): Promise<void> {
    await this.sns.send(new PublishCommand(this.publishInput(event)));
  }
}
