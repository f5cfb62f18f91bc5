/**
 * What a Lambda bundle test needs around the bundle: s3rver and dynalite on loopback with the
 * lake bucket and the catalog (and idempotency) tables, the HCDL_* environment the bundle's
 * env.ts reads (set in process.env, restored by close()), SNS calls captured with
 * aws-sdk-client-mock, every S3 and DynamoDB request counted by command (what a message
 * costs: docs/aws-calls.md), the bundle's log lines captured, and the AWS adapters on the
 * test side to read back what the bundle wrote.
 */
import { appendFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, GetObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  contentHash,
  hubEventFromSns,
  MessageStatus,
  newMessageId,
  rawKey,
  type Catalog,
  type HubEvent,
  type MessageRecord,
  type ObjectStore,
} from '@hcdl/lake';
import { createAwsAdapters } from '../../../src/adapters';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../../src/clients';
import { createCatalogTable } from '../../../src/dynamodb/create-catalog-table';
import { createResourceTable } from '../../../src/refined/create-resource-table';
import { startDynalite, TEST_CREDENTIALS, TEST_REGION } from '../../support/dynalite';
import { startS3rver, TEST_INFRASTRUCTURE } from '../../support/s3rver';
import { captureLogs, type LogCapture } from './logs';
import type { SnsPublish } from './events';
import { type DynamoUnits, gsiWriteUnits, isReadCommand, isWriteCommand, reportedUnits, writtenKeys } from './dynamo-units';

export const TEST_BUCKET = 'hcdl-test-lake';
export const TEST_CATALOG_TABLE = 'hcdl-test-catalog';
export const TEST_IDEMPOTENCY_TABLE = 'hcdl-test-idempotency';
/** The refined zone's resource table (the query-api and refined bundles read HCDL_RESOURCE_TABLE). */
export const TEST_RESOURCE_TABLE = 'hcdl-test-resources';
export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hcdl-test-hub';
export const TEST_DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/hcdl-test-staging-dlq';

/** Requests sent to each service since the last resetCalls(), by command name (e.g. `PutObjectCommand`). */
export interface ServiceCalls {
  s3: Record<string, number>;
  dynamodb: Record<string, number>;
  sns: Record<string, number>;
  sqs: Record<string, number>;
  /** DynamoDB request units (on-demand) of those requests: table and index writes, reads. */
  dynamodbUnits: DynamoUnits;
  /** S3 PutObject/CopyObject requests by the first segment of their key (`raw`, `staging`, `catalog`, ...). */
  s3WritesByPrefix: Record<string, number>;
}

/** A message of the (in-memory) staging dead-letter queue: an `ingested` event as SQS keeps it. */
export interface QueuedLetter {
  receipt: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
}

export interface LambdaHarness {
  /** The environment handed to the bundle (also set in process.env). */
  env: Record<string, string>;
  clients: AwsClients;
  catalog: Catalog;
  objectStore: ObjectStore;
  /** The object as stored in S3, read with the SDK directly (throws when missing). */
  getObject(key: string): Promise<{ key: string; body: Uint8Array; contentType?: string }>;
  /** The S3 object tags of a key, read with the SDK directly. */
  getTags(key: string): Promise<Record<string, string>>;
  /** SNS publishes captured since the last resetCalls(), as PublishCommand inputs. */
  publishes(): SnsPublish[];
  /** The same, read back as hub events (attributes + body). */
  published(): HubEvent[];
  /** TopicArn of each captured publish. */
  topicArns(): string[];
  /** S3, DynamoDB, SNS and SQS requests since the last resetCalls(), the bundles' and the test side's alike. */
  calls(): ServiceCalls;
  /** The next `count` SNS publishes fail (SNS unavailable); later ones succeed again. */
  failNextPublishes(count: number): void;
  /** Puts an `ingested` publish into the staging dead-letter queue (as SQS does after the staging queue's last receive). */
  deadLetter(publish: SnsPublish): void;
  /** What the staging dead-letter queue holds. */
  deadLetters(): QueuedLetter[];
  /** The letters received so far become visible again (their visibility timeout has passed). */
  expireDeadLetterVisibility(): void;
  resetCalls(): void;
  /**
   * A message as core's ingest leaves it (raw bytes in S3, catalog row `ingested`), written
   * with the adapters: the starting point of the staging and core-writer bundles.
   */
  seedIngested(bytes: Uint8Array, meta: { source: string; messageType?: string; controlId?: string; at?: Date }): Promise<MessageRecord>;
  /** The next GetObject of `key` fails with an S3 server error (once). */
  failS3GetOnce(key: string): void;
  logs: LogCapture;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Create the idempotency table too (front door). */
  idempotency?: boolean;
  /** Create the resource table too (refined function, the FHIR routes of query-api). */
  resources?: boolean;
  /** More environment for the bundles (e.g. HCDL_CATALOG_MIRROR, which infra sets on the catalog's writers). */
  env?: Record<string, string>;
}

export async function startLambdaHarness(options: HarnessOptions = {}): Promise<LambdaHarness> {
  // dynalite with DynamoDB's ReturnValuesOnConditionCheckFailure, which Powertools'
  // idempotency layer relies on to read the record that won a race.
  const [s3server, dynamoServer] = await Promise.all([startS3rver([TEST_BUCKET]), startDynalite({ returnOldOnConditionFailure: true })]);
  const servers = { s3Endpoint: s3server.endpoint, dynamoEndpoint: dynamoServer.endpoint };
  const env: Record<string, string> = {
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    HCDL_LAKE_BUCKET: TEST_BUCKET,
    HCDL_CATALOG_TABLE: TEST_CATALOG_TABLE,
    HCDL_IDEMPOTENCY_TABLE: TEST_IDEMPOTENCY_TABLE,
    HCDL_RESOURCE_TABLE: TEST_RESOURCE_TABLE,
    HCDL_HUB_TOPIC_ARN: TEST_TOPIC_ARN,
    HCDL_STAGING_DLQ_URL: TEST_DLQ_URL,
    HCDL_LOG_LEVEL: 'DEBUG',
    HCDL_AWS_ENDPOINT_S3: servers.s3Endpoint,
    HCDL_AWS_ENDPOINT_DYNAMODB: servers.dynamoEndpoint,
    ...options.env,
  };
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);

  const clients = createAwsClients({
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    endpoints: { s3: servers.s3Endpoint, dynamodb: servers.dynamoEndpoint },
  });
  await createCatalogTable(clients.dynamoRaw, TEST_CATALOG_TABLE);
  if (options.resources === true) await createResourceTable(clients.dynamoRaw, TEST_RESOURCE_TABLE);
  if (options.idempotency === true) {
    // Powertools DynamoDBPersistenceLayer's default key attribute.
    await clients.dynamoRaw.send(
      new CreateTableCommand({
        TableName: TEST_IDEMPOTENCY_TABLE,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  const adapters = createAwsAdapters(
    {
      lakeBucket: TEST_BUCKET,
      catalogTable: TEST_CATALOG_TABLE,
      idempotencyTable: TEST_IDEMPOTENCY_TABLE,
      hubTopicArn: TEST_TOPIC_ARN,
    },
    clients,
  );

  // Every SNSClient instance is mocked, the bundle's included: it imports the same @aws-sdk
  // modules (external to the bundle) from node_modules.
  const sns = mockClient(SNSClient);
  let failing = 0;
  const arm = (): void => {
    let n = 0;
    sns.on(PublishCommand).callsFake(async () => {
      if (failing > 0) {
        failing--;
        throw Object.assign(new Error('SNS is unavailable'), { name: 'InternalErrorException', $fault: 'server' });
      }
      return { MessageId: `sns-${++n}` };
    });
  };
  arm();
  // The staging dead-letter queue, in memory: every SQSClient is mocked like SNS.
  const sqs = mockClient(SQSClient);
  const queue: (QueuedLetter & { hidden: boolean })[] = [];
  let receipts = 0;
  const armSqs = (): void => {
    sqs.on(ReceiveMessageCommand).callsFake(async (input: { MaxNumberOfMessages?: number }) => {
      const visible = queue.filter((l) => !l.hidden).slice(0, input.MaxNumberOfMessages ?? 1);
      for (const l of visible) l.hidden = true;
      return { Messages: visible.map((l) => ({ ReceiptHandle: l.receipt, Body: l.body, MessageAttributes: l.attributes })) };
    });
    sqs.on(DeleteMessageCommand).callsFake(async (input: { ReceiptHandle?: string }) => {
      const i = queue.findIndex((l) => l.receipt === input.ReceiptHandle);
      if (i >= 0) queue.splice(i, 1);
      return {};
    });
  };
  armSqs();
  // DynamoDB units: each item write's before and after state is read by a client of the test
  // infrastructure (not counted) to price the GSI writes dynalite does not report.
  const units: DynamoUnits = { read: 0, write: 0 };
  const probe = DynamoDBDocumentClient.from(new DynamoDBClient({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: servers.dynamoEndpoint }));
  Object.assign(probe, { [TEST_INFRASTRUCTURE]: true });
  const itemsAt = async (keys: { pk: string; sk: string }[]): Promise<(Record<string, unknown> | undefined)[]> =>
    Promise.all(keys.map(async (Key) => (await probe.send(new GetCommand({ TableName: TEST_CATALOG_TABLE, Key, ConsistentRead: true }))).Item));
  const metered = async (command: unknown, send: () => Promise<unknown>): Promise<unknown> => {
    const name = (command as { constructor: { name: string } }).constructor.name;
    const input = (command as { input?: Record<string, unknown> }).input ?? {};
    if (!isReadCommand(name) && !isWriteCommand(name)) return send();
    input.ReturnConsumedCapacity = 'TOTAL';
    const keys = isWriteCommand(name) ? writtenKeys(name, input, TEST_CATALOG_TABLE) : [];
    const before = await itemsAt(keys);
    let out: unknown;
    try {
      out = await send();
    } catch (err) {
      // A failed conditional write is billed one write unit (at least).
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') units.write += 1;
      throw err;
    }
    if (isReadCommand(name)) units.read += reportedUnits(out);
    else {
      units.write += reportedUnits(out);
      const after = await itemsAt(keys);
      keys.forEach((_, i) => {
        units.write += gsiWriteUnits(before[i], after[i]);
      });
    }
    return out;
  };
  // S3 and DynamoDB requests go to the loopback servers; counted on their way (every client
  // instance: the bundles' and the harness's own share these classes).
  const counted: Pick<ServiceCalls, 's3' | 'dynamodb'> = { s3: {}, dynamodb: {} };
  const count = (service: keyof typeof counted, command: unknown, client: object): void => {
    if (TEST_INFRASTRUCTURE in client) return;
    const name = (command as { constructor: { name: string } }).constructor.name;
    if (process.env.HCDL_TEST_TRACE_CALLS)
      appendFileSync(process.env.HCDL_TEST_TRACE_CALLS, `${service} ${name} ${String((command as { input?: { Key?: string } }).input?.Key ?? '')}\n`);
    counted[service][name] = (counted[service][name] ?? 0) + 1;
    if (service === 's3' && (name === 'PutObjectCommand' || name === 'CopyObjectCommand')) {
      const prefix = String((command as { input?: { Key?: string } }).input?.Key ?? '').split('/')[0] ?? '';
      writesByPrefix[prefix] = (writesByPrefix[prefix] ?? 0) + 1;
    }
  };
  let writesByPrefix: Record<string, number> = {};
  const failGets = new Set<string>();
  const s3Send = S3Client.prototype.send;
  const dynamoSend = DynamoDBClient.prototype.send;
  const documentSend = DynamoDBDocumentClient.prototype.send;
  const spies = [
    jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, command: unknown, ...rest: unknown[]) {
      count('s3', command, this);
      const key = (command as { input?: { Key?: string } }).input?.Key;
      if (command instanceof GetObjectCommand && key !== undefined && failGets.delete(key)) {
        return Promise.reject(
          Object.assign(new Error('We encountered an internal error'), { name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
        );
      }
      return (s3Send as (...a: unknown[]) => unknown).call(this, command, ...rest);
    } as never),
    jest.spyOn(DynamoDBClient.prototype, 'send').mockImplementation(function (this: DynamoDBClient, command: unknown, ...rest: unknown[]) {
      const send = () => (dynamoSend as (...a: unknown[]) => Promise<unknown>).call(this, command, ...rest);
      if (TEST_INFRASTRUCTURE in this) return send();
      count('dynamodb', command, this);
      return metered(command, send);
    } as never),
    // The document client sends through its own middleware stack, not DynamoDBClient.send.
    jest.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) {
      const send = () => (documentSend as (...a: unknown[]) => Promise<unknown>).call(this, command, ...rest);
      if (TEST_INFRASTRUCTURE in this) return send();
      count('dynamodb', command, this);
      return metered(command, send);
    } as never),
  ];
  const logs = captureLogs();

  const publishInputs = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
  const publishes = (): SnsPublish[] =>
    publishInputs().map((i) => ({ Message: i.Message ?? '', MessageAttributes: (i.MessageAttributes ?? {}) as SnsPublish['MessageAttributes'] }));

  return {
    env,
    clients,
    catalog: adapters.catalog,
    objectStore: adapters.objectStore,
    async getObject(key) {
      const out = await clients.s3.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
      const body = await out.Body!.transformToByteArray();
      return out.ContentType === undefined ? { key, body } : { key, body, contentType: out.ContentType };
    },
    async getTags(key) {
      const out = await clients.s3.send(new GetObjectTaggingCommand({ Bucket: TEST_BUCKET, Key: key }));
      return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    },
    publishes,
    published: () =>
      publishes().map((p) =>
        hubEventFromSns({
          Sns: {
            Message: p.Message,
            MessageAttributes: Object.fromEntries(Object.entries(p.MessageAttributes).map(([k, v]) => [k, { Type: v.DataType, Value: v.StringValue ?? '' }])),
          },
        }),
      ),
    topicArns: () => publishInputs().map((i) => i.TopicArn ?? ''),
    calls: () => ({
      s3: { ...counted.s3 },
      dynamodb: { ...counted.dynamodb },
      sns: { PublishCommand: sns.commandCalls(PublishCommand).length },
      sqs: Object.fromEntries(
        [
          ['ReceiveMessageCommand', sqs.commandCalls(ReceiveMessageCommand).length],
          ['DeleteMessageCommand', sqs.commandCalls(DeleteMessageCommand).length],
        ].filter(([, n]) => (n as number) > 0),
      ),
      dynamodbUnits: { ...units },
      s3WritesByPrefix: { ...writesByPrefix },
    }),
    resetCalls() {
      sns.reset();
      arm();
      sqs.reset();
      armSqs();
      counted.s3 = {};
      counted.dynamodb = {};
      units.read = 0;
      units.write = 0;
      writesByPrefix = {};
    },
    failS3GetOnce(key) {
      failGets.add(key);
    },
    failNextPublishes(count) {
      failing = count;
    },
    deadLetter(publish) {
      queue.push({ receipt: `receipt-${++receipts}`, body: publish.Message, attributes: publish.MessageAttributes, hidden: false });
    },
    deadLetters: () => queue.map(({ hidden: _h, ...l }) => l),
    expireDeadLetterVisibility() {
      for (const l of queue) l.hidden = false;
    },
    async seedIngested(bytes, meta) {
      const messageId = newMessageId((meta.at ?? new Date()).getTime());
      const key = rawKey(meta.source, messageId);
      await adapters.objectStore.put({ key, body: bytes, contentType: 'application/hl7-v2', ifNoneMatch: true });
      const at = (meta.at ?? new Date()).toISOString();
      const record: MessageRecord = {
        messageId,
        source: meta.source,
        protocol: 'hl7v2',
        format: 'er7',
        status: MessageStatus.Ingested,
        receivedAt: at,
        updatedAt: at,
        contentHash: contentHash(bytes),
        size: bytes.byteLength,
        rawKey: key,
        attempts: 0,
        ...(meta.messageType === undefined ? {} : { messageType: meta.messageType }),
        ...(meta.controlId === undefined ? {} : { controlId: meta.controlId }),
      };
      await adapters.catalog.putMessage(record);
      return record;
    },
    logs,
    async close() {
      logs.stop();
      sns.restore();
      sqs.restore();
      probe.destroy();
      for (const spy of spies) spy.mockRestore();
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      destroyAwsClients(clients);
      await Promise.all([s3server.close(), dynamoServer.close()]);
    },
  };
}
