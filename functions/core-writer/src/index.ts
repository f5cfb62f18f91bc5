import middy from '@middy/core';
import { hubEventFromSns, HubEventName, type HubEvent, type SnsRecordLike } from '@hcdl/lake';
import { createCore, type CoreDeps } from './core';

export * from './core';
export * from './errors';
export * from './replay';
export * from './logger';
export * from './subscription';

/** Applies one staging outcome event (`staged` or `failed`). */
export function createCoreWriter(deps: CoreDeps) {
  const core = createCore(deps);
  return {
    core,
    async handleEvent(event: HubEvent): Promise<void> {
      if (event.attributes.event === HubEventName.Staged) await core.applyStaged(event);
      else if (event.attributes.event === HubEventName.Failed) await core.applyFailed(event);
      else deps.logger.warn('core-writer ignored an event it does not handle', { event: event.attributes.event });
    },
  };
}

/**
 * Lambda handler factory (SNS trigger). Records are processed in order; a failure throws so
 * Lambda retries the batch and then sends it to the subscription's DLQ.
 */
export function createHandler(deps: CoreDeps) {
  const writer = createCoreWriter(deps);
  return middy(async (event: { Records: SnsRecordLike[] }): Promise<void> => {
    for (const record of event.Records) await writer.handleEvent(hubEventFromSns(record));
  });
}
