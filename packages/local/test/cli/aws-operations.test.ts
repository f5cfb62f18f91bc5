/**
 * The operator commands of an AWS lake: `hcdl redrive` (SQS's own redrive of a dead-letter
 * queue, its requests asserted on a mocked SQS) and `hcdl mirror backfill` (against dynalite
 * and s3rver: the catalog mirror written for rows catalogued before it existed).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createCatalogTable, DynamoCatalog, S3ObjectStore } from '@hcdl/aws';
import { MessageStatus } from '@hcdl/lake';
import { messageRecord, T0 } from '@hcdl/lake/testing';
import { startDynalite, TEST_CREDENTIALS, TEST_REGION, type DynamoServer } from '../../../aws/test/support/dynalite';
import { startS3rver, type S3Server } from '../../../aws/test/support/s3rver';
import { capturedIo } from '../../../aws/test/support/athena-cli';
import { main } from '../../src/cli/main';

const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/hcdl-dev-staging-dlq';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:hcdl-dev-staging-dlq';
const AWS = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };

describe('hcdl redrive', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    sqs.reset();
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
  });
  afterAll(() => sqs.restore());
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const io = capturedIo();
    const saved = { ...process.env };
    Object.assign(process.env, AWS, env);
    try {
      return { code: await main(['redrive', ...args], io), out: io.out(), err: io.err() };
    } finally {
      process.env = saved;
    }
  };

  it('moves the staging dead-letter queue (HCDL_STAGING_DLQ_URL) back to its queue, paced as asked', async () => {
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '0' } });
    const r = await run(['--max-per-second', '20'], { HCDL_STAGING_DLQ_URL: DLQ });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('4 waiting');
    expect(r.out).toContain('redrive started: 4 message(s)');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).toEqual([{ SourceArn: DLQ_ARN, MaxNumberOfMessagesPerSecond: 20 }]);
  });

  it('--status only reads; an empty queue starts nothing; a wrong pace or no queue is a usage error', async () => {
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
    expect((await run(['--status', '--queue', DLQ, '--json'])).out).toBe(`${JSON.stringify({ queueArn: DLQ_ARN, waiting: 0, inFlight: 0 })}\n`);
    expect((await run(['--queue', DLQ])).out).toContain('nothing to redrive');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect((await run(['--queue', DLQ, '--max-per-second', '0'])).code).toBe(2);
    expect((await run([], { HCDL_STAGING_DLQ_URL: '' })).code).toBe(2);
  });

  it('says which AWS error refused it, and nothing else', async () => {
    sqs.on(GetQueueAttributesCommand).rejects(Object.assign(new Error('Access to the resource is denied'), { name: 'AccessDeniedException' }));
    expect(await run(['--queue', DLQ])).toMatchObject({ code: 1, err: 'hcdl redrive: AWS refused: AccessDeniedException\n' });
  });
});

describe('hcdl mirror backfill', () => {
  let s3: S3Server;
  let dynamo: DynamoServer;
  const env = () => ({
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    HCDL_LAKE_BUCKET: 'hcdl-cli-lake',
    HCDL_CATALOG_TABLE: 'hcdl-cli-catalog',
    HCDL_AWS_ENDPOINT_S3: s3.endpoint,
    HCDL_AWS_ENDPOINT_DYNAMODB: dynamo.endpoint,
  });
  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3rver(['hcdl-cli-lake']), startDynalite()]);
    await createCatalogTable(dynamo.clients.dynamoRaw, 'hcdl-cli-catalog');
    const catalog = new DynamoCatalog(dynamo.clients.dynamo, 'hcdl-cli-catalog');
    for (const [i, status] of [MessageStatus.Staged, MessageStatus.Staged, MessageStatus.Ingested].entries()) {
      const m = messageRecord('lab', T0 + i * 1000);
      await catalog.putMessage(m);
      if (status !== MessageStatus.Ingested) await catalog.updateMessage(m.messageId, { status, attempts: 1 }, MessageStatus.Ingested);
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled([s3?.close(), dynamo?.close()]);
  });
  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const io = capturedIo();
    const saved = { ...process.env };
    Object.assign(process.env, env(), extra);
    try {
      return { code: await main(['mirror', ...args], io), out: io.out(), err: io.err() };
    } finally {
      process.env = saved;
    }
  };
  const mirrored = async () => {
    const keys: string[] = [];
    for await (const k of new S3ObjectStore(s3.clients.s3, { bucket: 'hcdl-cli-lake' }).list('catalog/')) keys.push(k);
    return keys;
  };

  it('--dry-run counts and writes nothing; then writes the rows with an outcome, leaving the waiting one to the mirror', async () => {
    const dry = await run(['backfill', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ messages: 2, skippedWaiting: 1, dryRun: true });
    expect(await mirrored()).toEqual([]);
    const real = await run(['backfill', '--source', 'lab']);
    expect(real.code).toBe(0);
    expect(real.out).toBe(
      'mirrored 2 message(s) (0 error file(s)), 0 patient(s) (0 identifier file(s), 0 link(s), 0 merge(s), 0 conflict file(s)); 1 waiting for staging, left to the mirror\n',
    );
    expect((await mirrored()).filter((k) => k.startsWith('catalog/messages/source=lab/'))).toHaveLength(2);
  });

  it('names the missing setting, and refuses a wrong subcommand or instant', async () => {
    expect(await run(['backfill'], { HCDL_CATALOG_TABLE: '' })).toMatchObject({
      code: 2,
      err: 'hcdl mirror backfill: HCDL_CATALOG_TABLE is not set\nusage: hcdl mirror backfill [options] (hcdl mirror backfill --help for more)\n',
    });
    expect((await run(['rebuild'])).code).toBe(2);
    expect((await run(['backfill', '--since', 'yesterday'])).code).toBe(2);
  });
});
