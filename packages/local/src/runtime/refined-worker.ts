import { Worker } from 'node:worker_threads';
import { REFINED_SUBSCRIPTION } from '@hcdl/core';
import type { HubEvent, LogPort } from '@hcdl/lake';
import type { InProcessHub } from '../adapters/in-process-hub';
import { errorLabel } from '../adapters/in-process-hub';
import { type FromRefined, REFINED_THREAD_ROLE, type ToRefined } from './refined-protocol';

/** The refined stage's thread, seen from the main thread (ADR 0018). */
export interface RefinedThread {
  /** The thread's id (worker_threads.threadId inside it). */
  readonly threadId: number;
  /**
   * Hands a `staged` event over (in the order of the calls); resolves when the thread has
   * finished it (refined, or dead-lettered there after its attempts), or at once when the
   * thread is gone (the message is refined at the next start).
   */
  hand(event: HubEvent): Promise<void>;
  /** Whether staged events handed over are still being refined. */
  busy(): boolean;
  /** Staged events handed over and not finished (/health shows it). */
  inWork(): number;
  /** The thread's nice value once it has started (Linux: REFINED_NICE steps below the lake's), else undefined. */
  nice(): number | undefined;
  /** Whether the thread still runs (a thread that died or was closed does not: /health fails its check). */
  alive(): boolean;
  /** Resolves when every staged event handed over so far is finished. */
  idle(): Promise<void>;
  /** At start: publishes what the outbox holds, and reads (and clears) the clean-stop flag. */
  resume(): Promise<{ published: number; cleanStop: boolean }>;
  /** Finishes the work in flight, records a clean stop when asked, closes the thread's files and ends the thread. */
  close(cleanStop: boolean): Promise<void>;
}

export interface RefinedThreadOptions {
  dataDir: string;
  logLevel: string;
  failpoints: string[];
  /** Where the thread's `fhir-changed` announcements are published (the lake's hub). */
  hub: InProcessHub;
  logger: LogPort;
  /** The module the thread loads (tests give their own). */
  entry?: URL;
}

/**
 * Starts the refined stage's thread: refine and its relay run there on their own SQLite
 * connections; this thread only hands it `staged` events and publishes the versions it
 * announces on the lake's hub, confirming each batch so that the relay marks it published
 * (outbox: a batch the main thread never confirmed stays pending and is announced again).
 * `refined.db` must exist with its schema before (withRefinedStore): the thread finds it made.
 */
export function startRefinedThread(options: RefinedThreadOptions): RefinedThread {
  const worker = new Worker(options.entry ?? new URL('./refined-entry.mjs', import.meta.url), {
    workerData: { role: REFINED_THREAD_ROLE, dataDir: options.dataDir, logLevel: options.logLevel, failpoints: options.failpoints },
    // The thread registers its own TypeScript loader; the main thread's flags are not its.
    execArgv: [],
  });
  const send = (m: ToRefined): void => worker.postMessage(m);
  /** Staged events handed over and not finished, by id. */
  const handed = new Map<number, () => void>();
  let quiet: (() => void)[] = [];
  let nextId = 1;
  const requests = new Map<number, { resolve(m: FromRefined): void; reject(err: Error): void }>();
  let ended: Error | undefined;

  // The thread keeps the process alive only while it has work of the main thread's (a lake
  // left open by its caller, or a command done with it, must not hang the process on it).
  const keepAlive = (): void => {
    if (ended === undefined && (handed.size > 0 || requests.size > 0)) worker.ref();
    else worker.unref();
  };

  const wake = (): void => {
    const waiting = quiet;
    quiet = [];
    for (const w of waiting) w();
  };

  /** The thread is gone: nothing it had will finish here (a staged message not marked refined is resumed at the next start). */
  const end = (err: Error): void => {
    if (ended !== undefined) return;
    ended = err;
    for (const finished of handed.values()) finished();
    handed.clear();
    wake();
    for (const r of requests.values()) r.reject(err);
    requests.clear();
  };

  const request = (make: (id: number) => ToRefined): Promise<FromRefined> => {
    if (ended !== undefined) return Promise.reject(ended);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      requests.set(id, { resolve, reject });
      keepAlive();
      send(make(id));
    });
  };

  async function publish(id: number, events: HubEvent[]): Promise<void> {
    try {
      for (const event of events) await options.hub.publish(event);
      send({ kind: 'published', id });
    } catch (err) {
      send({ kind: 'published', id, error: errorLabel(err) });
    }
  }

  worker.on('message', (m: FromRefined) => {
    switch (m.kind) {
      case 'announce':
        void publish(m.id, m.events);
        return;
      case 'done': {
        const finished = handed.get(m.id);
        handed.delete(m.id);
        finished?.();
        if (handed.size === 0) {
          keepAlive();
          wake();
        }
        return;
      }
      case 'ready':
        nice = m.nice;
        return;
      default: {
        const r = requests.get(m.id);
        requests.delete(m.id);
        keepAlive();
        if (r === undefined) return;
        if (m.kind === 'failed') r.reject(new Error(`refined thread: ${m.error}`));
        else r.resolve(m);
      }
    }
  });
  worker.on('error', (err) => {
    options.logger.error('refined thread failed', { error: errorLabel(err) });
    end(err);
  });
  worker.on('exit', (code) => end(new Error(`refined thread exited (${code})`)));
  keepAlive();

  let warned = false;
  let nice: number | undefined;
  return {
    threadId: worker.threadId,
    hand(event) {
      if (ended !== undefined) {
        // Left `staged` without a mark: the next start refines it (no clean stop is recorded).
        if (!warned) options.logger.warn('refined thread is gone; staged messages wait for the next start', { subscription: REFINED_SUBSCRIPTION.name });
        warned = true;
        return Promise.resolve();
      }
      const id = nextId++;
      return new Promise<void>((resolve) => {
        handed.set(id, resolve);
        if (handed.size === 1) keepAlive();
        send({ kind: 'staged', id, event });
      });
    },
    busy: () => handed.size > 0,
    inWork: () => handed.size,
    nice: () => nice,
    alive: () => ended === undefined,
    idle: () => (handed.size === 0 ? Promise.resolve() : new Promise((resolve) => quiet.push(resolve))),
    async resume() {
      const m = await request((id) => ({ kind: 'resume', id }));
      return m.kind === 'resumed' ? { published: m.published, cleanStop: m.cleanStop } : { published: 0, cleanStop: false };
    },
    async close(cleanStop) {
      if (ended === undefined) {
        try {
          await request((id) => ({ kind: 'close', id, cleanStop }));
        } catch (err) {
          options.logger.error('refined thread did not close cleanly', { error: errorLabel(err) });
        }
      }
      await worker.terminate();
    },
  };
}
