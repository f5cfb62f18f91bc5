import type { HubEvent } from '@hcdl/lake';

/**
 * The messages between the main thread and the refined stage's thread (ADR 0018). Events
 * travel as plain objects (structured clone), read back by the hub event parser on arrival.
 */

export const REFINED_THREAD_ROLE = 'hcdl-refined-stage';

/** What the refined thread needs to open the lake's files and behave as the main thread's config says. */
export interface RefinedThreadData {
  /** Marks the thread's data: the module starts serving only in a thread started with it. */
  role: typeof REFINED_THREAD_ROLE;
  dataDir: string;
  logLevel: string;
  /** HCDL_FAILPOINTS: the crash tests stop the lake at `refine.committed` in this thread. */
  failpoints: string[];
}

/** Main thread → refined thread. */
export type ToRefined =
  /** A `staged` event of the main hub, in the order the hub delivered them; `done` answers with its `id`. */
  | { kind: 'staged'; id: number; event: HubEvent }
  /** The main thread published the announcement batch `id` on its hub (or could not: `error`, the versions stay pending). */
  | { kind: 'published'; id: number; error?: string }
  /** Start of the lake: drain the outbox, then take the clean-stop flag. */
  | { kind: 'resume'; id: number }
  /** Close: finish the work in flight, record a clean stop when asked, close the files. */
  | { kind: 'close'; id: number; cleanStop: boolean };

/** Refined thread → main thread. */
export type FromRefined =
  /** The thread has opened its files and serves. */
  | { kind: 'ready'; threadId: number; nice?: number }
  /** `fhir-changed` events to publish on the main hub, in commit order; answered by `published`. */
  | { kind: 'announce'; id: number; events: HubEvent[] }
  /** One `staged` event handed over is finished (refined, or dead-lettered after its attempts). */
  | { kind: 'done'; id: number }
  /** Answer to `resume`: versions the outbox drain published, and whether the last stop was clean. */
  | { kind: 'resumed'; id: number; published: number; cleanStop: boolean }
  /** Answer to `close`. */
  | { kind: 'closed'; id: number }
  /** A request failed (its error's class and code only: a message may quote content). */
  | { kind: 'failed'; id: number; error: string };
