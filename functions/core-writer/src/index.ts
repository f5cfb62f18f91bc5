import middy from '@middy/core';
import { createErrorZone, createOutcomes, parseStageOutput } from '@hcdl/core';
import type { Catalog, Hub, IdentityPolicy, LogPort, MessageRecord, ObjectStore } from '@hcdl/lake';

export interface CoreWriterDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  logger: LogPort;
  now?: () => Date;
  /** Which patient identifiers link, per source (absent: the shipped policy). */
  identityPolicy?: IdentityPolicy;
}

/**
 * The outcome task (Step Functions Express, task 2 of 2): thin wiring of @hcdl/core's
 * outcomes use-case. Its input is the stage task's output; it writes the staging or error
 * zone, the catalog row, errors and patient index, then publishes `staged` or `failed`. It is
 * the only function that writes staging/ and the outcome of a message (docs/adr/0006).
 * A failure throws: the workflow retries the task, then the run fails and the message is
 * redriven from the staging queue's dead-letter queue.
 */
export function createHandler(deps: CoreWriterDeps) {
  const now = (): string => (deps.now?.() ?? new Date()).toISOString();
  const outcomes = createOutcomes({ ...deps, now, recordError: createErrorZone({ ...deps, now }) });
  return middy(async (input: unknown): Promise<{ messageId: string; status: string; attempts: number }> => {
    const record: MessageRecord = await outcomes.apply(parseStageOutput(input));
    return { messageId: record.messageId, status: record.status, attempts: record.attempts };
  });
}
