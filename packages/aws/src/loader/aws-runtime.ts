import type { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createAwsClients, type AwsClients } from '../clients';
import { DynamoCatalog } from '../dynamodb/dynamo-catalog';
import { createIdempotencyStore } from '../idempotency/idempotency-store';
import { S3ObjectStore } from '../s3/s3-object-store';
import { StepFunctionsStarter } from '../sfn/step-functions-starter';
import { SnsHub } from '../sns/sns-hub';
import type { LambdaEnv, LambdaEnvWith } from './lambda-env';

/**
 * The AWS side of a Lambda entry point. Call these inside `lazyHandler`'s build, so they run
 * once per container, on the first invocation, never at import time. Credentials come from
 * the default provider chain (the function's role on Lambda).
 *
 * Each adapter has its own builder, typed by the setting it needs: a function can only
 * build what its env.ts requires, and the bundler leaves out what a function does not
 * build (the idempotency layer and its JMESPath engine stay out of every bundle but the
 * front door's). `createAwsAdapters` builds all of them at once for callers that want that.
 */
export function awsClientsFor(env: Pick<LambdaEnv, 'region' | 'endpoints'>): AwsClients {
  return createAwsClients({ region: env.region, endpoints: env.endpoints });
}

/** The lake bucket; puts use SSE-KMS with HCDL_KMS_KEY_ID when set. */
export function objectStoreFor(env: LambdaEnvWith<'lakeBucket'>, clients: Pick<AwsClients, 's3'>): S3ObjectStore {
  return new S3ObjectStore(clients.s3, env.kmsKeyId === undefined ? { bucket: env.lakeBucket } : { bucket: env.lakeBucket, kmsKeyId: env.kmsKeyId });
}

export function catalogFor(env: LambdaEnvWith<'catalogTable'>, clients: Pick<AwsClients, 'dynamo'>): DynamoCatalog {
  return new DynamoCatalog(clients.dynamo, env.catalogTable);
}

export function hubFor(env: LambdaEnvWith<'hubTopicArn'>, clients: Pick<AwsClients, 'sns'>): SnsHub {
  return new SnsHub(clients.sns, env.hubTopicArn);
}

export function idempotencyStoreFor(env: LambdaEnvWith<'idempotencyTable'>, clients: Pick<AwsClients, 'dynamoRaw'>): DynamoDBPersistenceLayer {
  return createIdempotencyStore({ idempotencyTable: env.idempotencyTable }, clients);
}

export function stagingStarterFor(env: LambdaEnvWith<'stagingStateMachineArn'>, clients: Pick<AwsClients, 'sfn'>): StepFunctionsStarter {
  return new StepFunctionsStarter(clients.sfn, env.stagingStateMachineArn);
}
