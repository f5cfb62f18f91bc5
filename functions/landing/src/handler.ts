import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, hubFor, idempotencyStoreFor, lazyHandler, objectStoreFor, withLogContext } from '@hcdl/aws';
import { readLandingEnv } from './env';
import { type BatchResponse, createHandler, type SqsBatch } from './index';

/**
 * Lambda entry `index.handler`: files that arrived under upload/ (presigned uploads) and
 * landing/ (file drops), as S3 events on the landing queue. Environment, AWS clients and
 * adapters are read and built on the first invocation and kept for the container's life.
 */
export const handler = lazyHandler((): ((event: SqsBatch, context: unknown) => Promise<BatchResponse>) => {
  const env = readLandingEnv();
  const logger = new Logger({ serviceName: 'hcdl-landing', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  return withLogContext(
    logger,
    createHandler({
      objectStore: objectStoreFor(env, clients),
      catalog: catalogFor(env, clients),
      hub: hubFor(env, clients),
      idempotencyStore: idempotencyStoreFor(env, clients),
      logger,
      config: {
        dedupWindowSeconds: env.dedupWindowSeconds,
        fileDropSources: env.fileDropSources,
        maxBytes: env.uploadMaxBytes,
        concurrency: env.submitConcurrency,
      },
    }),
  );
});
