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
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
import { startDynalite, TEST_CREDENTIALS, TEST_REGION } from '../../support/dynalite';
import { startS3rver, TEST_INFRASTRUCTURE } from '../../support/s3rver';
import { captureLogs, type LogCapture } from './logs';
import type { SnsPublish } from './events';

export const TEST_BUCKET = 'hcdl-test-lake';
export const TEST_CATALOG_TABLE = 'hcdl-test-catalog';
export const TEST_IDEMPOTENCY_TABLE = 'hcdl-test-idempotency';
export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hcdl-test-hub';

/** Requests sent to each service since the last resetCalls(), by command name (e.g. `PutObjectCommand`). */
export interface ServiceCalls {
  s3: Record<string, number>;
  dynamodb: Record<string, number>;
  sns: Record<string, number>;
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
  /** S3, DynamoDB and SNS requests since the last resetCalls(), the bundles' and the test side's alike. */
  calls(): ServiceCalls;
  resetCalls(): void;
  /**
   * A message as core's ingest leaves it (raw bytes in S3, catalog row `ingested`), written
   * with the adapters: the starting point of the staging and core-writer bundles.
   */
  seedIngested(bytes: Uint8Array, meta: { source: string; messageType?: string; controlId?: string }): Promise<MessageRecord>;
  logs: LogCapture;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Create the idempotency table too (front door). */
  idempotency?: boolean;
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
    HCDL_HUB_TOPIC_ARN: TEST_TOPIC_ARN,
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
  const arm = (): void => {
    let n = 0;
    sns.on(PublishCommand).callsFake(async () => ({ MessageId: `sns-${++n}` }));
  };
  arm();
  // S3 and DynamoDB requests go to the loopback servers; counted on their way (every client
  // instance: the bundles' and the harness's own share these classes).
  const counted: Omit<ServiceCalls, 'sns'> = { s3: {}, dynamodb: {} };
  const count = (service: keyof typeof counted, command: unknown, client: object): void => {
    if (TEST_INFRASTRUCTURE in client) return;
    const name = (command as { constructor: { name: string } }).constructor.name;
    if (process.env.HCDL_TEST_TRACE_CALLS)
      appendFileSync(process.env.HCDL_TEST_TRACE_CALLS, `${service} ${name} ${String((command as { input?: { Key?: string } }).input?.Key ?? '')}\n`);
    counted[service][name] = (counted[service][name] ?? 0) + 1;
  };
  const s3Send = S3Client.prototype.send;
  const dynamoSend = DynamoDBClient.prototype.send;
  const documentSend = DynamoDBDocumentClient.prototype.send;
  const spies = [
    jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, command: unknown, ...rest: unknown[]) {
      count('s3', command, this);
      return (s3Send as (...a: unknown[]) => unknown).call(this, command, ...rest);
    } as never),
    jest.spyOn(DynamoDBClient.prototype, 'send').mockImplementation(function (this: DynamoDBClient, command: unknown, ...rest: unknown[]) {
      count('dynamodb', command, this);
      return (dynamoSend as (...a: unknown[]) => unknown).call(this, command, ...rest);
    } as never),
    // The document client sends through its own middleware stack, not DynamoDBClient.send.
    jest.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) {
      count('dynamodb', command, this);
      return (documentSend as (...a: unknown[]) => unknown).call(this, command, ...rest);
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
    }),
    resetCalls() {
      sns.reset();
      arm();
      counted.s3 = {};
      counted.dynamodb = {};
    },
    async seedIngested(bytes, meta) {
      const messageId = newMessageId();
      const key = rawKey(meta.source, messageId);
      await adapters.objectStore.put({ key, body: bytes, contentType: 'application/hl7-v2', ifNoneMatch: true });
      const at = new Date().toISOString();
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
