import middy from '@middy/core';
import { hubEventFromSns, type SnsRecordLike } from '@hcdl/lake';
import { createStaging, type StagingDeps } from './stage';

export * from './errors';
export * from './stage';
export * from './steps';
export * from './subscription';
export * from './workflow';

/**
 * Middy handler factory running both steps in one invocation per SNS record (a deployment
 * without a state machine). The AWS stack uses the workflow instead: `createTrigger`, then
 * `createNormalizeTask` and `createParseTask` as Step Functions tasks (see handler.ts).
 */
export function createHandler(deps: StagingDeps) {
  const stage = createStaging(deps);
  return middy(async (event: { Records: SnsRecordLike[] }): Promise<void> => {
    for (const record of event.Records) await stage(hubEventFromSns(record));
  });
}
