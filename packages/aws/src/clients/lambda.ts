import { LambdaClient } from '@aws-sdk/client-lambda';
import { clientOptions, type ClientFactory } from './registry';

/**
 * Lambda (synchronous invokes of core-writer's ingest function by the front door). The
 * SDK's default retries stay on: a retried invoke of an ingest that already ran is
 * answered by core-writer with the message it already kept (same message id).
 */
export const LAMBDA_CLIENT: ClientFactory<LambdaClient> = {
  name: 'lambda',
  create: (config) => new LambdaClient(clientOptions(config, config.endpoints?.lambda)),
};
