import type { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AwsClients } from '../clients';
import { DYNAMODB_CLIENT, DYNAMODB_DOCUMENT_CLIENT } from '../clients/dynamodb';
import { AwsClientRegistry, type ClientFactory, type DestroyableClient } from '../clients/registry';
import { S3_CLIENT } from '../clients/s3';
import { SNS_CLIENT } from '../clients/sns';
import { SQS_CLIENT } from '../clients/sqs';
import { EVENTBRIDGE_CLIENT } from '../clients/eventbridge';
import { DynamoResourceStore } from '../refined/dynamo-resource-store';
import { FhirChangePublisher } from '../refined/fhir-change-events';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { S3DownloadSigner } from '../s3/s3-download-signer';
import { S3UploadSigner } from '../s3/s3-upload-signer';
import { SqsDeadLetterQueue } from '../sqs/dead-letter-queue';
import { MirroredCatalog } from '../catalog-mirror/mirrored-catalog';
import { DynamoCatalog } from '../dynamodb/dynamo-catalog';
import { createIdempotencyStore } from '../idempotency/idempotency-store';
import { S3ObjectStore } from '../s3/s3-object-store';
import { SnsHub } from '../sns/sns-hub';
import type { Catalog } from '@hcdl/lake';
import { AwsAdapterConfigError } from '../errors';
import { LAMBDA_ENV, type LambdaEnv, type LambdaEnvWith } from './lambda-env';

/**
 * The AWS side of a Lambda entry point. Call these inside `lazyHandler`'s build, so they run
 * once per container, on the first invocation, never at import time. Credentials come from
 * the default provider chain (the function's role on Lambda).
 *
 * `awsClientsFor` builds no client: each builder below asks the registry for the one client
 * it needs, created on first use. Each builder is typed by the setting it needs, so a
 * function can only build what its env.ts requires, and the bundler leaves out what a
 * function does not build: the SDK packages of clients it never uses (SNS, Step Functions)
 * and the idempotency layer with its JMESPath engine stay out of its bundle.
 */
export function awsClientsFor(env: Pick<LambdaEnv, 'region' | 'endpoints'>): AwsClientRegistry {
  return new AwsClientRegistry({ region: env.region, endpoints: env.endpoints });
}

/** Where a builder takes its client from: the container's registry, or clients by name (tests). */
export type ClientSource<K extends keyof AwsClients> = AwsClientRegistry | Pick<AwsClients, K>;

function clientOf<K extends keyof AwsClients>(source: ClientSource<K>, name: K, factory: ClientFactory<AwsClients[K] & DestroyableClient>): AwsClients[K] {
  return source instanceof AwsClientRegistry ? source.get(factory) : source[name];
}

/** The lake bucket; puts use SSE-KMS with HCDL_KMS_KEY_ID when set. */
export function objectStoreFor(env: LambdaEnvWith<'lakeBucket'>, clients: ClientSource<'s3'>): S3ObjectStore {
  return new S3ObjectStore(
    clientOf(clients, 's3', S3_CLIENT),
    env.kmsKeyId === undefined ? { bucket: env.lakeBucket } : { bucket: env.lakeBucket, kmsKeyId: env.kmsKeyId },
  );
}

/**
 * The DynamoDB catalog. With HCDL_CATALOG_MIRROR=true (set by infra on the functions that
 * write the catalog: the front door and core-writer) it is wrapped by coreWriterCatalogFor's
 * mirror; every other function gets the plain table.
 */
export function catalogFor(env: LambdaEnvWith<'catalogTable'>, clients: ClientSource<'dynamo'> | ClientSource<'dynamo' | 's3'>): Catalog {
  if (env.catalogMirror !== true) return dynamoCatalogFor(env, clients);
  if (env.lakeBucket === undefined) throw new AwsAdapterConfigError(`${LAMBDA_ENV.catalogMirror} needs ${LAMBDA_ENV.lakeBucket}`);
  if (!(clients instanceof AwsClientRegistry) && !('s3' in clients)) throw new AwsAdapterConfigError(`${LAMBDA_ENV.catalogMirror} needs an S3 client`);
  return coreWriterCatalogFor({ ...env, lakeBucket: env.lakeBucket }, clients as ClientSource<'dynamo' | 's3'>);
}

export function dynamoCatalogFor(env: LambdaEnvWith<'catalogTable'>, clients: ClientSource<'dynamo'>): DynamoCatalog {
  return new DynamoCatalog(clientOf(clients, 'dynamo', DYNAMODB_DOCUMENT_CLIENT), env.catalogTable);
}

/**
 * The catalog of the functions that write it: DynamoDB, mirrored as NDJSON under `catalog/`
 * of the lake bucket for the Athena views `messages`, `errors` and `patient_identifiers` (see
 * ../catalog-mirror). A failed mirror write fails the catalog call, so the event is retried.
 */
export function coreWriterCatalogFor(env: LambdaEnvWith<'catalogTable' | 'lakeBucket'>, clients: ClientSource<'dynamo' | 's3'>): MirroredCatalog {
  return new MirroredCatalog(dynamoCatalogFor(env, clients), objectStoreFor(env, clients));
}

export function hubFor(env: LambdaEnvWith<'hubTopicArn'>, clients: ClientSource<'sns'>): SnsHub {
  return new SnsHub(clientOf(clients, 'sns', SNS_CLIENT), env.hubTopicArn);
}

export function idempotencyStoreFor(env: LambdaEnvWith<'idempotencyTable'>, clients: ClientSource<'dynamoRaw'>): DynamoDBPersistenceLayer {
  return createIdempotencyStore({ idempotencyTable: env.idempotencyTable }, { dynamoRaw: clientOf(clients, 'dynamoRaw', DYNAMODB_CLIENT) });
}

/** Presigned uploads on the lake bucket, signed with the function's role (SSE-KMS with HCDL_KMS_KEY_ID when set). */
export function uploadSignerFor(env: LambdaEnvWith<'lakeBucket'>, clients: ClientSource<'s3'>): S3UploadSigner {
  return new S3UploadSigner(
    clientOf(clients, 's3', S3_CLIENT),
    env.kmsKeyId === undefined ? { bucket: env.lakeBucket } : { bucket: env.lakeBucket, kmsKeyId: env.kmsKeyId },
  );
}

/** Presigned GETs of lake objects, signed with the function's role. */
export function downloadSignerFor(env: LambdaEnvWith<'lakeBucket'>, clients: ClientSource<'s3'>): S3DownloadSigner {
  return new S3DownloadSigner(clientOf(clients, 's3', S3_CLIENT), { bucket: env.lakeBucket });
}

/** The staging workflow's dead-letter queue (HCDL_STAGING_DLQ_URL), as the sweep reads it. */
export function stagingDeadLettersFor(env: LambdaEnvWith<'stagingDlqUrl'>, clients: AwsClientRegistry | { sqs: SQSClient }): SqsDeadLetterQueue {
  const sqs = clients instanceof AwsClientRegistry ? clients.get(SQS_CLIENT) : clients.sqs;
  return new SqsDeadLetterQueue(sqs, { queueUrl: env.stagingDlqUrl });
}

/** The refined zone's resource index (HCDL_RESOURCE_TABLE). */
export function resourceStoreFor(env: LambdaEnvWith<'resourceTable'>, clients: ClientSource<'dynamo'>): DynamoResourceStore {
  return new DynamoResourceStore(clientOf(clients, 'dynamo', DYNAMODB_DOCUMENT_CLIENT), env.resourceTable);
}

/** The refined zone's change events on its EventBridge bus (HCDL_REFINED_BUS_NAME). */
export function fhirChangePublisherFor(
  env: LambdaEnvWith<'refinedBusName'>,
  clients: AwsClientRegistry | { eventBridge: EventBridgeClient },
): FhirChangePublisher {
  const eventBridge = clients instanceof AwsClientRegistry ? clients.get(EVENTBRIDGE_CLIENT) : clients.eventBridge;
  return new FhirChangePublisher(eventBridge, { eventBusName: env.refinedBusName });
}
