import { type PreparedMessages, prepareMessages } from '@hcdl/core';
import type { StagingPool } from './pool';

/** Bodies from this size up are prepared on a worker instead of the event loop (about 5 ms of work below it). */
export const DOOR_WORKER_FROM_BYTES = 256 * 1024;

/**
 * The door's reading of submitted bodies (MessageIngestDeps.prepare): decoding, splitting into
 * messages, reading each header and hashing each message cost about 20 ms per MB, so a large
 * body is prepared on a staging worker (already started and warm; it takes its turn with the
 * messages being staged) instead of the event loop that serves every request and MLLP
 * connection. Smaller bodies are prepared in place, where the hop would cost more than the
 * work; so is everything when there is no pool (a lake given its own stager). Should the worker
 * fail (a worker replaced meanwhile), the body is prepared in place: the answer is the same.
 */
export function doorPreparation(pool: Pick<StagingPool, 'prepare'> | undefined, fromBytes = DOOR_WORKER_FROM_BYTES) {
  return (bytes: Uint8Array): PreparedMessages | Promise<PreparedMessages> => {
    if (pool === undefined || bytes.byteLength < fromBytes) return prepareMessages(bytes);
    return pool.prepare(bytes).catch(() => prepareMessages(bytes));
  };
}
