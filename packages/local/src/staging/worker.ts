import { defaultStager, type StageResult } from '@hcdl/core';
import { type LargestSegment, largestSegment } from './largest-segment';

/** One staging task: a message's raw bytes (a copy, in the worker). */
export interface StageTask {
  raw: Uint8Array;
}

/**
 * The work of a staging worker thread: the core's staging of one message (decode, normalize,
 * parse, validate, staging JSON and patient facts), on the worker's own event loop and heap.
 */
export function stage(task: StageTask): StageResult {
  return defaultStager(task.raw);
}

/** Where a message that hit a staging limit holds most of its bytes (for a located diagnostic). */
export function locate(task: StageTask): LargestSegment {
  return largestSegment(task.raw);
}
