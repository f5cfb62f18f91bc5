import middy from '@middy/core';
import { createStage, parseStageTarget, type ValidationPolicies, type Stage, type StageOutput, type StageTarget, StepInputError, targetOf } from '@hcdl/core';
import { HubEventName, hubEventFromSqs, isHubEvent, type LogPort, type ObjectStore, type SqsRecordLike } from '@hcdl/lake';

/**
 * What the staging workflow's first task receives: the batch EventBridge Pipes reads from
 * the staging queue (SNS delivers `ingested` events there with raw message delivery, so
 * each record's body is the event body). The pipe's batch size is 1; a redrive or a manual
 * run may also pass a StageTarget as it is.
 */
export type StageTaskInput = SqsRecordLike[] | StageTarget;

/** The staging target of a task input (one `ingested` event or a target). */
export function stageTargetOf(input: StageTaskInput): StageTarget {
  if (!Array.isArray(input)) return parseStageTarget(input);
  if (input.length !== 1) throw new StepInputError(`the stage task takes one queue record per run, got ${input.length}`);
  const event = hubEventFromSqs(input[0] as SqsRecordLike);
  if (!isHubEvent(event, HubEventName.Ingested)) throw new StepInputError(`the stage task takes ingested events, got ${event.attributes.event}`);
  return targetOf(event);
}

/**
 * The stage task (Step Functions Express, task 1 of 2): thin wiring of @hcdl/core's stage
 * use-case. It reads raw/ and may write work/ only; its output is the next task's input
 * (core-writer's outcome task), which alone writes the zones and the catalog.
 */
export function createStageTask(deps: {
  objectStore: Pick<ObjectStore, 'get' | 'put'>;
  logger: LogPort;
  stage?: Stage;
  policies?: ValidationPolicies;
  /** The heap staging may use (a share of the function's memory: env.ts). */
  heapBytes?: number;
}) {
  const stage =
    deps.stage ??
    createStage({
      objectStore: deps.objectStore,
      logger: deps.logger,
      ...(deps.policies !== undefined ? { policies: deps.policies } : {}),
      ...(deps.heapBytes !== undefined ? { heapBytes: deps.heapBytes } : {}),
    });
  return middy(async (input: StageTaskInput): Promise<StageOutput> => stage(stageTargetOf(input)));
}
