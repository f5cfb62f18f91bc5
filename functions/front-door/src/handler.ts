import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, hubFor, idempotencyStoreFor, lazyHandler, objectStoreFor, withLogContext } from '@hcdl/aws';
import { readFrontDoorEnv } from './env';
import { createHandler, type ApiGatewayV2Event, type ApiGatewayV2Result } from './index';

type Handler = (event: ApiGatewayV2Event, context: unknown) => Promise<ApiGatewayV2Result>;

/**
 * Lambda entry `index.handler`: API Gateway HTTP API (payload v2) behind a JWT authorizer.
 * Environment, AWS clients and adapters are read and built on the first invocation and
 * kept for the container's life.
 */
export const handler = lazyHandler((): Handler => {
  const env = readFrontDoorEnv();
  const logger = new Logger({ serviceName: 'hcdl-front-door', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  const handle = createHandler({
    objectStore: objectStoreFor(env, clients),
    catalog: catalogFor(env, clients),
    hub: hubFor(env, clients),
    idempotencyStore: idempotencyStoreFor(env, clients),
    logger,
    config: { maxBodyBytes: env.maxBodyBytes, dedupWindowSeconds: env.dedupWindowSeconds },
  });
  return withLogContext(logger, handle);
});
