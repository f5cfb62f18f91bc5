import { createAwsAdapters, createAwsClients, type AwsAdapters, type AwsClients } from '../index';
import type { LambdaEnv } from './lambda-env';

/**
 * The AWS side of a Lambda entry point: SDK clients for the configured region (and the
 * endpoint overrides tests use), and the adapters of the ports built on them. Call it from
 * inside `lazyHandler`'s build, so it runs once per container on the first invocation.
 */
export function awsClientsFor(env: LambdaEnv): AwsClients {
  return createAwsClients({ region: env.region, endpoints: env.endpoints });
}

export function awsAdaptersFor(env: LambdaEnv, clients: AwsClients = awsClientsFor(env)): AwsAdapters {
  return createAwsAdapters(
    {
      lakeBucket: env.lakeBucket ?? '',
      kmsKeyId: env.kmsKeyId,
      catalogTable: env.catalogTable ?? '',
      idempotencyTable: env.idempotencyTable ?? '',
      hubTopicArn: env.hubTopicArn ?? '',
      stagingStateMachineArn: env.stagingStateMachineArn,
    },
    clients,
  );
}
