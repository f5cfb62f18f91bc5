import { Logger } from '@aws-lambda-powertools/logger';
import {
  awsClientsFor,
  catalogFor,
  hubFor,
  idempotencyStoreFor,
  lazyHandler,
  ObjectAuditTrail,
  objectStoreFor,
  uploadSignerFor,
  withLogContext,
} from '@hcdl/aws';
import { readFrontDoorEnv } from './env';
import { createHandler } from './index';

/**
 * Lambda entry `index.handler`: POST /hl7v2/er7 behind API Gateway's JWT authorizer. The
 * message is durable (raw object + catalog row) before the 2xx, and `ingested` is published
 * for the staging workflow (docs/adr/0006-one-application-core.md). Environment, AWS
 * clients and adapters are read and built on the first invocation and kept for the
 * container's life.
 */
export const handler = lazyHandler(() => {
  const env = readFrontDoorEnv();
  const logger = new Logger({ serviceName: 'hcdl-front-door', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  const objectStore = objectStoreFor(env, clients);
  const handle = createHandler({
    objectStore,
    audit: new ObjectAuditTrail(objectStore),
    catalog: catalogFor(env, clients),
    hub: hubFor(env, clients),
    idempotencyStore: idempotencyStoreFor(env, clients),
    logger,
    signer: uploadSignerFor(env, clients),
    config: {
      maxBodyBytes: env.maxBodyBytes,
      dedupWindowSeconds: env.dedupWindowSeconds,
      concurrency: env.submitConcurrency,
      uploadMaxBytes: env.uploadMaxBytes,
      ...(env.maxBatchMessages !== undefined ? { maxBatchMessages: env.maxBatchMessages } : {}),
    },
  });
  return withLogContext(logger, handle);
});
