import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, dynamoCatalogFor, fhirChangePublisherFor, lazyHandler, objectStoreFor, resourceStoreFor, withLogContext } from '@hcdl/aws';
import { readRefinedEnv } from './env';
import { type BatchResponse, createHandler, type SqsBatch } from './index';

/**
 * Lambda entry `index.handler`: staged messages from the refined queue. Environment, clients
 * and adapters are built on the first invocation and kept for the container's life. Objects go
 * to the lake bucket through the S3 object store; change events to the refined bus.
 */
export const handler = lazyHandler((): ((event: SqsBatch, context: unknown) => Promise<BatchResponse>) => {
  const env = readRefinedEnv();
  const logger = new Logger({ serviceName: 'hcdl-refined', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  const publisher = fhirChangePublisherFor(env, clients);
  return withLogContext(
    logger,
    createHandler({
      objectStore: objectStoreFor(env, clients),
      catalog: dynamoCatalogFor(env, clients),
      resources: resourceStoreFor(env, clients),
      publish: (versions) => publisher.publish(versions),
      logger,
    }),
  );
});
