import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, lazyHandler, objectStoreFor, withLogContext } from '@hcdl/aws';
import type { StageOutput } from '@hcdl/core';
import { readStageEnv } from './env';
import { createStageTask, type StageTaskInput } from './index';

/**
 * Lambda entry `index.stage`: task 1 of the staging workflow (docs/adr/0006): raw bytes →
 * staging JSON and patient facts, or diagnostics. Environment and clients are read and built
 * on the first invocation.
 */
export const stage = lazyHandler((): ((input: StageTaskInput, context: unknown) => Promise<StageOutput>) => {
  const env = readStageEnv();
  const logger = new Logger({ serviceName: 'hcdl-staging-er7', logLevel: env.logLevel, persistentKeys: { step: 'stage' } });
  return withLogContext(
    logger,
    createStageTask({
      objectStore: objectStoreFor(env, awsClientsFor(env)),
      logger,
      policies: env.validation,
      ...(env.heapBytes !== undefined ? { heapBytes: env.heapBytes } : {}),
    }),
  );
});
