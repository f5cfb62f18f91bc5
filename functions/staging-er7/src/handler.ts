import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, hubFor, lazyHandler, objectStoreFor, stagingStarterFor, withLogContext } from '@hcdl/aws';
import type { SnsRecordLike } from '@hcdl/lake';
import { readNormalizeEnv, readParseEnv, readTriggerEnv } from './env';
import { createNormalizeTask, createParseTask, createTrigger, type NormalizedState, type ParsedState, type StagingExecutionInput } from './index';

/**
 * The Lambda entries of the staging workflow, one bundle deployed three times:
 * - `index.handler`: SNS trigger (staging filter policy), starts one Express execution per
 *   `ingested` event;
 * - `index.normalize`: task 1 of the state machine;
 * - `index.parse`: task 2, publishes `staged` or `failed`.
 * Each reads its environment and builds its clients on its first invocation.
 */

const SERVICE = 'hcdl-staging-er7';

export const handler = lazyHandler((): ((event: { Records: SnsRecordLike[] }, context: unknown) => Promise<void>) => {
  const env = readTriggerEnv();
  const logger = new Logger({ serviceName: SERVICE, logLevel: env.logLevel, persistentKeys: { step: 'trigger' } });
  const starter = stagingStarterFor(env, awsClientsFor(env));
  return withLogContext(logger, createTrigger({ starter, logger }));
});

export const normalize = lazyHandler((): ((state: StagingExecutionInput, context: unknown) => Promise<NormalizedState>) => {
  const env = readNormalizeEnv();
  const logger = new Logger({ serviceName: SERVICE, logLevel: env.logLevel, persistentKeys: { step: 'normalize' } });
  const objectStore = objectStoreFor(env, awsClientsFor(env));
  return withLogContext(logger, createNormalizeTask({ objectStore, logger }));
});

export const parse = lazyHandler((): ((state: NormalizedState, context: unknown) => Promise<ParsedState>) => {
  const env = readParseEnv();
  const logger = new Logger({ serviceName: SERVICE, logLevel: env.logLevel, persistentKeys: { step: 'parse' } });
  const clients = awsClientsFor(env);
  return withLogContext(
    logger,
    createParseTask({ objectStore: objectStoreFor(env, clients), catalog: catalogFor(env, clients), hub: hubFor(env, clients), logger }),
  );
});
