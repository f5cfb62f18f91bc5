import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, hubFor, lazyHandler, objectStoreFor, withLogContext } from '@hcdl/aws';
import type { SnsRecordLike } from '@hcdl/lake';
import { readCoreWriterEnv } from './env';
import { createHandler } from './index';

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
