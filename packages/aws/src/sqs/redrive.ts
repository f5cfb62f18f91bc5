import { GetQueueAttributesCommand, GetQueueUrlCommand, ListMessageMoveTasksCommand, type SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

/** Where a dead-letter queue stands: what waits in it and its latest redrive. */
export interface DeadLetterQueueStatus {
  queueArn: string;
  /** Messages waiting (visible) and being read (in flight), as SQS approximates them. */
  waiting: number;
  inFlight: number;
  lastMove?: { status: string; moved: number; toMove?: number; failureReason?: string; startedAt?: string };
}

/** A queue named by URL, ARN or name. */
async function queueUrlOf(sqs: SQSClient, queue: string): Promise<string> {
  if (/^https?:\/\//.test(queue)) return queue;
  const name = queue.startsWith('arn:') ? (queue.split(':').pop() ?? queue) : queue;
  const owner = queue.startsWith('arn:') ? queue.split(':')[4] : undefined;
  const out = await sqs.send(new GetQueueUrlCommand({ QueueName: name, ...(owner !== undefined && owner !== '' ? { QueueOwnerAWSAccountId: owner } : {}) }));
  return out.QueueUrl ?? queue;
}

/**
 * Operator actions on a dead-letter queue (`hcdl redrive`): its status, and SQS's own redrive
 * (StartMessageMoveTask), which moves every message back to the queue it came from (the
 * staging queue: its pipe runs the workflow again) at most `maxPerSecond` messages a second.
 */
export function createRedrive(sqs: SQSClient) {
  async function status(queue: string): Promise<DeadLetterQueueStatus> {
    const url = await queueUrlOf(sqs, queue);
    const attrs = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      )
    ).Attributes;
    const queueArn = attrs?.QueueArn ?? '';
    const out: DeadLetterQueueStatus = {
      queueArn,
      waiting: Number(attrs?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(attrs?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
    const tasks = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queueArn, MaxResults: 1 }))).Results ?? [];
    const last = tasks[0];
    if (last !== undefined) {
      out.lastMove = {
        status: last.Status ?? 'UNKNOWN',
        moved: last.ApproximateNumberOfMessagesMoved ?? 0,
        ...(last.ApproximateNumberOfMessagesToMove !== undefined ? { toMove: last.ApproximateNumberOfMessagesToMove } : {}),
        ...(last.FailureReason !== undefined ? { failureReason: last.FailureReason } : {}),
        ...(last.StartedTimestamp !== undefined ? { startedAt: new Date(last.StartedTimestamp).toISOString() } : {}),
      };
    }
    return out;
  }

  async function start(queue: string, options: { maxPerSecond?: number } = {}): Promise<{ queueArn: string; taskHandle: string }> {
    const { queueArn } = await status(queue);
    const out = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: queueArn,
        ...(options.maxPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: options.maxPerSecond } : {}),
      }),
    );
    return { queueArn, taskHandle: out.TaskHandle ?? '' };
  }

  return { status, start };
}

export type Redrive = ReturnType<typeof createRedrive>;
