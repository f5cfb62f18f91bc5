import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, lazyHandler, ObjectAuditTrail, objectStoreFor, downloadSignerFor, resourceStoreFor, withLogContext } from '@hcdl/aws';
import { readQueryApiEnv } from './env';
import type { ApiGatewayV2Event, ApiGatewayV2Result } from '@hcdl/aws';
import { createHandler } from './index';

type Handler = (event: ApiGatewayV2Event, context: unknown) => Promise<ApiGatewayV2Result>;

/**
 * Lambda entry `index.handler`: the read routes and the FHIR read API behind API Gateway's
 * JWT authorizer (`GET /fhir/metadata` without it).
 * Environment, AWS clients and adapters are read and built on the first invocation.
 */
export const handler = lazyHandler((): Handler => {
  const env = readQueryApiEnv();
  const logger = new Logger({ serviceName: 'hcdl-query-api', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  const largeObjects =
    env.largeObjectBytes === undefined ? {} : { largeObjects: { signer: downloadSignerFor(env, clients), thresholdBytes: env.largeObjectBytes } };
  const objectStore = objectStoreFor(env, clients);
  return withLogContext(
    logger,
    createHandler({
      objectStore,
      catalog: catalogFor(env, clients),
      resources: resourceStoreFor(env, clients),
      logger,
      audit: new ObjectAuditTrail(objectStore),
      ...largeObjects,
    }),
  );
});
