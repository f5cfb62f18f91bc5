import { defaultStager, type PreparedMessages, prepareMessages, type StageResult, type ValidationPolicy } from '@hcdl/core';
import { type LargestSegment, largestSegment } from './largest-segment';

/** One staging task: a message's raw bytes (a copy, in the worker). */
export interface StageTask {
  raw: Uint8Array;
  /**
   * Shared with the pool: the worker writes the time it starts the task (ms since the epoch),
   * so the time limit counts the staging itself, not a worker's start-up.
   */
  started: Float64Array;
  /** The validation policy of the message's source. */
  policy?: ValidationPolicy;
  /** The heap the worker may use, in bytes: a message estimated to need more is refused unparsed (core's heap-estimate.ts). */
  heapBytes?: number;
}

/**
 * The work of a staging worker thread: the core's staging of one message (decode, normalize,
 * parse, validate, staging JSON and patient facts), on the worker's own event loop and heap.
 */
export function stage(task: StageTask): StageResult {
  task.started[0] = Date.now();
  return defaultStager(task.raw, { policy: task.policy, heapBytes: task.heapBytes });
}

/** Where a message that hit a staging limit holds most of its bytes (for a located diagnostic). */
export function locate(task: StageTask): LargestSegment {
  task.started[0] = Date.now();
  return largestSegment(task.raw);
}

/** The door's preparation of a large submitted body (split, headers, hashes), for ./door.ts. */
export function prepare(task: StageTask): PreparedMessages {
  task.started[0] = Date.now();
  return prepareMessages(task.raw);
}
