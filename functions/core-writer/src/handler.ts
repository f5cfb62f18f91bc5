import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, hubFor, lazyHandler, objectStoreFor, withLogContext, type CoreIngestResponse } from '@hcdl/aws';
import type { SnsRecordLike } from '@hcdl/lake';
import { readCoreWriterEnv } from './env';
import { createHandler } from './index';
import { createIngestHandler } from './ingest-handler';

type Handler = (event: { Records: SnsRecordLike[] }, context: unknown) => Promise<void>;

/**
 * Lambda entry `index.handler`: the SNS subscription of core-writer (`staged` / `failed`).
 * Environment, AWS clients and adapters are read and built on the first invocation.
 */
export const handler = lazyHandler((): Handler => {
  const env = readCoreWriterEnv();
  const logger = new Logger({ serviceName: 'hcdl-core-writer', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  const handle = createHandler({ objectStore: objectStoreFor(env, clients), catalog: catalogFor(env, clients), hub: hubFor(env, clients), logger });
  return withLogContext(logger, handle);
});

/**
 * Lambda entry `index.ingest`: invoked synchronously by the front door on AWS with a pointer
 * to the landed request bytes (see ./ingest-handler). Same bundle, own role: the only
 * function allowed to write the raw and error zones and the catalog rows of new messages.
 */
export const ingest = lazyHandler((): ((event: unknown, context: unknown) => Promise<CoreIngestResponse>) => {
  const env = readCoreWriterEnv();
  const logger = new Logger({ serviceName: 'hcdl-core-writer-ingest', logLevel: env.logLevel });
  const clients = awsClientsFor(env);
  const handle = createIngestHandler({ objectStore: objectStoreFor(env, clients), catalog: catalogFor(env, clients), hub: hubFor(env, clients), logger });
  return withLogContext(logger, handle);
});
