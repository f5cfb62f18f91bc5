/** The SQS requests of the sweep's dead-letter reader and of `hcdl redrive`, asserted exactly. */
import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createRedrive } from '../../src/sqs/redrive';
import { SqsDeadLetterQueue } from '../../src/sqs/dead-letter-queue';

const sqs = mockClient(SQSClient);
const client = (): SQSClient => new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/hcdl-dev-staging-dlq';
const ARN = 'arn:aws:sqs:eu-west-1:123456789012:hcdl-dev-staging-dlq';

beforeEach(() => {
  sqs.reset();
});

describe('SqsDeadLetterQueue', () => {
  it('receives at most 10 letters without waiting, with every attribute, hidden for a minute; deletes by receipt', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [{ ReceiptHandle: 'r-1', Body: '{"messageId":"M"}', MessageAttributes: { event: { DataType: 'String', StringValue: 'ingested' } } }],
    });
    sqs.on(DeleteMessageCommand).resolves({});
    const queue = new SqsDeadLetterQueue(client(), { queueUrl: URL });
    expect(await queue.receive(50)).toEqual([
      { receipt: 'r-1', body: '{"messageId":"M"}', messageAttributes: { event: { dataType: 'String', stringValue: 'ingested' } } },
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: URL,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 60,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
    });
    await queue.remove({ receipt: 'r-1' });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({ QueueUrl: URL, ReceiptHandle: 'r-1' });
  });
});

describe('redrive', () => {
  it('names a queue by name, ARN or URL; reports its depth and last move; starts SQS redrive to the source queue', async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: URL });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: ARN, ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' } });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 7, ApproximateNumberOfMessagesToMove: 7, StartedTimestamp: 1767225600000 }],
    });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const redrive = createRedrive(client());
    expect(await redrive.status('hcdl-dev-staging-dlq')).toEqual({
      queueArn: ARN,
      waiting: 3,
      inFlight: 1,
      lastMove: { status: 'COMPLETED', moved: 7, toMove: 7, startedAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toEqual({ QueueName: 'hcdl-dev-staging-dlq' });
    await redrive.status(ARN);
    expect(sqs.commandCalls(GetQueueUrlCommand)[1]?.args[0].input).toEqual({ QueueName: 'hcdl-dev-staging-dlq', QueueOwnerAWSAccountId: '123456789012' });
    expect(await redrive.start(URL, { maxPerSecond: 10 })).toEqual({ queueArn: ARN, taskHandle: 'task-1' });
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(2);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({ SourceArn: ARN, MaxNumberOfMessagesPerSecond: 10 });
  });
});
