import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, idempotencyStoreFor, lazyHandler, remoteCoreIngestFor, withLogContext } from '@hcdl/aws';
import { readFrontDoorEnv } from './env';
import { createHandler, type ApiGatewayV2Event, type ApiGatewayV2Result } from './index';

type Handler = (event: ApiGatewayV2Event, context: unknown) => Promise<ApiGatewayV2Result>;

/**
 * Lambda entry `index.handler`: API Gateway HTTP API (payload v2) behind a JWT authorizer.
 * Core's ingest runs in core-writer's ingest function (the only writer of the zones and
 * the catalog, docs/adr/0005-core-writer-owns-writes-on-aws.md): this function lands the
 * request bytes under work/incoming/ and invokes it synchronously. Environment, AWS
 * clients and adapters are read and built on the first invocation and kept for the
 * container's life.
 */
export const handler = lazyHandler((): Handler => {
  const env = readFrontDoorEnv();
  const logger = new Logger({ serviceName: 'hcdl-front-door', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  const handle = createHandler({
    core: remoteCoreIngestFor(env, clients),
    catalog: catalogFor(env, clients),
    idempotencyStore: idempotencyStoreFor(env, clients),
    logger,
    config: { maxBodyBytes: env.maxBodyBytes, dedupWindowSeconds: env.dedupWindowSeconds },
  });
  return withLogContext(logger, handle);
});
