import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** One message read from a dead-letter queue (the shape @hcdl/core's sweep takes). */
export interface SqsDeadLetter {
  receipt: string;
  body: string;
  messageAttributes: Record<string, { stringValue?: string; dataType?: string }>;
}

export interface SqsDeadLetterQueueOptions {
  queueUrl: string;
  /**
   * How long a letter read by the sweep stays hidden (default 60 s): long enough for one
   * sweep, short enough that a letter it keeps is back in the queue for `hcdl redrive`.
   */
  visibilitySeconds?: number;
}

/**
 * A dead-letter queue read by the stranded-message sweep: short receives (no long polling:
 * an empty queue answers at once), every message attribute, deletes by receipt handle.
 */
export class SqsDeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly options: SqsDeadLetterQueueOptions,
  ) {}

  async receive(max: number): Promise<SqsDeadLetter[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(1, Math.floor(max)), 10),
        VisibilityTimeout: this.options.visibilitySeconds ?? 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    return (out.Messages ?? []).map((m) => ({
      receipt: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
          k,
          { ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}), ...(v.DataType !== undefined ? { dataType: v.DataType } : {}) },
        ]),
      ),
    }));
  }

  async remove(letter: Pick<SqsDeadLetter, 'receipt'>): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: letter.receipt }));
  }
}
