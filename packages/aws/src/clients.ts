import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Endpoint overrides per service (loopback test servers, LocalStack); absent: the AWS default. */
export interface ClientEndpoints {
  s3?: string;
  dynamodb?: string;
  sns?: string;
  sfn?: string;
}

export interface AwsClientsConfig {
  region: string;
  endpoints?: ClientEndpoints;
  /** Explicit credentials (tests); absent: the default provider chain (the Lambda role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** The SDK v3 clients every adapter takes. Create once per container and inject. */
export interface AwsClients {
  s3: S3Client;
  /** Document client (plain JS values), `removeUndefinedValues` on. */
  dynamo: DynamoDBDocumentClient;
  /** The low-level client under `dynamo` (Powertools' persistence layer takes this one). */
  dynamoRaw: DynamoDBClient;
  sns: SNSClient;
  sfn: SFNClient;
}

/**
 * Builds the clients. Nothing is created before this is called (never at import time); a
 * Lambda calls it on its first invocation and keeps the result for the container's life.
 * S3 uses path-style addressing when its endpoint is overridden (loopback servers have no
 * virtual-host buckets).
 */
export function createAwsClients(config: AwsClientsConfig): AwsClients {
  const endpoints = config.endpoints ?? {};
  const base = (endpoint: string | undefined) => ({
    region: config.region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(config.credentials !== undefined ? { credentials: config.credentials } : {}),
  });
  const s3 = new S3Client({ ...base(endpoints.s3), ...(endpoints.s3 !== undefined ? { forcePathStyle: true } : {}) });
  const dynamoRaw = new DynamoDBClient(base(endpoints.dynamodb));
  const dynamo = DynamoDBDocumentClient.from(dynamoRaw, { marshallOptions: { removeUndefinedValues: true } });
  return { s3, dynamo, dynamoRaw, sns: new SNSClient(base(endpoints.sns)), sfn: new SFNClient(base(endpoints.sfn)) };
}

/** Releases the clients' sockets (tests, or a process that stops). */
export function destroyAwsClients(clients: AwsClients): void {
  clients.s3.destroy();
  clients.dynamo.destroy();
  clients.dynamoRaw.destroy();
  clients.sns.destroy();
  clients.sfn.destroy();
}
