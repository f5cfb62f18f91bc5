import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DYNAMODB_CLIENT, DYNAMODB_DOCUMENT_CLIENT } from './clients/dynamodb';
import { AwsClientRegistry, type AwsClientsConfig } from './clients/registry';
import { S3_CLIENT } from './clients/s3';
import { SNS_CLIENT } from './clients/sns';

export { AwsClientRegistry, clientOptions, type AwsClientsConfig, type ClientEndpoints, type ClientFactory, type DestroyableClient } from './clients/registry';
export { S3_CLIENT } from './clients/s3';
export { DYNAMODB_CLIENT, DYNAMODB_DOCUMENT_CLIENT } from './clients/dynamodb';
export { SNS_CLIENT } from './clients/sns';
export { SQS_CLIENT } from './clients/sqs';
export { EVENTBRIDGE_CLIENT } from './clients/eventbridge';

/** The SDK v3 clients every adapter takes, by name. */
export interface AwsClients {
  readonly s3: S3Client;
  /** Document client (plain JS values), `removeUndefinedValues` on. */
  readonly dynamo: DynamoDBDocumentClient;
  /** The low-level client under `dynamo` (Powertools' persistence layer takes this one). */
  readonly dynamoRaw: DynamoDBClient;
  readonly sns: SNSClient;
}

/** A registry that also names every client; each is still created on first use. */
class NamedAwsClients extends AwsClientRegistry implements AwsClients {
  get s3(): S3Client {
    return this.get(S3_CLIENT);
  }
  get dynamo(): DynamoDBDocumentClient {
    return this.get(DYNAMODB_DOCUMENT_CLIENT);
  }
  get dynamoRaw(): DynamoDBClient {
    return this.get(DYNAMODB_CLIENT);
  }
  get sns(): SNSClient {
    return this.get(SNS_CLIENT);
  }
}

/**
 * All four clients by name, each constructed on first access and then reused (never at
 * import time). This module imports every SDK client package: Lambda code goes through
 * `awsClientsFor` and the `...For` builders instead, which reach only the factories they use.
 */
export function createAwsClients(config: AwsClientsConfig): AwsClients & AwsClientRegistry {
  return new NamedAwsClients(config);
}

/** Releases the sockets of the clients created so far (tests, or a process that stops). */
export function destroyAwsClients(clients: AwsClients | AwsClientRegistry): void {
  if (clients instanceof AwsClientRegistry) clients.destroy();
  else for (const c of [clients.s3, clients.dynamo, clients.dynamoRaw, clients.sns]) c.destroy();
}
