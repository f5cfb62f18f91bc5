import middy from '@middy/core';
import { hubEventFromSns, type SnsRecordLike } from '@hcdl/lake';
import { createStaging, type StagingDeps } from './stage';

export * from './stage';
export * from './steps';
export * from './subscription';

/** Lambda handler factory (SNS trigger with the staging filter policy). */
export function createHandler(deps: StagingDeps) {
  const stage = createStaging(deps);
  return middy(async (event: { Records: SnsRecordLike[] }): Promise<void> => {
    for (const record of event.Records) await stage(hubEventFromSns(record));
  });
}
export * from './workflow';
