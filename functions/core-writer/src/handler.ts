import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, hubFor, lazyHandler, objectStoreFor, withLogContext } from '@hcdl/aws';
import { readCoreWriterEnv } from './env';
import { createHandler } from './index';

/**
 * Lambda entry `index.handler`: the outcome task of the staging workflow. Environment, AWS
 * clients and adapters are read and built on the first invocation.
 */
export const handler = lazyHandler((): ((input: unknown, context: unknown) => Promise<{ messageId: string; status: string; attempts: number }>) => {
  const env = readCoreWriterEnv();
  const logger = new Logger({ serviceName: 'hcdl-core-writer', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  return withLogContext(
    logger,
    createHandler({
      objectStore: objectStoreFor(env, clients),
      catalog: catalogFor(env, clients),
      hub: hubFor(env, clients),
      logger,
      ...(env.identityPolicy !== undefined ? { identityPolicy: env.identityPolicy } : {}),
    }),
  );
});
