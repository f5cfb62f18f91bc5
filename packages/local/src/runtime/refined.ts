import path from 'node:path';
import type { Application } from '@hcdl/core';
import { REFINED_SUBSCRIPTION } from '@hcdl/core';
import { allPages, type Catalog, HubEventName, type Hub, isHubEvent, type LogPort, MessageStatus, stagedEvent } from '@hcdl/lake';
import { acquireDatabase, type LocalAdapters, releaseDatabase } from '../adapters/local-adapters';
import { SqliteResourceStore } from '../adapters/sqlite-resource-store';
import { refinedSegmentsDir } from '../adapters/segment-files';
import type { RefinedThread } from './refined-worker';

/** Wakes the change streams when a version is announced (each stream then reads the feed from its position). */
export class ChangeSignal {
  private readonly waiting = new Set<() => void>();
  private closedFlag = false;

  get closed(): boolean {
    return this.closedFlag;
  }

  notify(): void {
    for (const wake of [...this.waiting]) wake();
  }

  /** Resolves at the next notification, after `ms`, or at close, whichever comes first. */
  wait(ms: number): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }

  /** Ends every wait now and from now on (the server is stopping: streams end). */
  close(): void {
    this.closedFlag = true;
    this.notify();
  }
}

/** Keys whose attribute rows live in `refined.db` (the refined zone), not in the catalog's file (ADR 0018). */
export const REFINED_ZONE_PREFIX = 'refined/';

/** The embedded adapters with the refined zone's index (`<dataDir>/refined.db`) and the change signal. */
export type LakeAdapters = LocalAdapters & { resources: SqliteResourceStore; changeSignal: ChangeSignal };

/**
 * Opens the refined store beside the catalog (ADR 0011): the process's one connection to
 * `refined.db` (acquireDatabase, shared as the catalog's is), written through that
 * connection's group commit (ADR 0009). A file of its own: the refined zone is derived data
 * (`hcdl replay --fhir` rebuilds it from staging), and refining a message's dozens of versions
 * never lengthens the commits that ingest waits for. The refined zone's object attributes
 * (tags, metadata) are rows of the same file (ADR 0018): the object store routes `refined/`
 * keys there, and still finds the rows an earlier version left in the catalog. Opening makes
 * the file's schema, so the refined stage's thread, started after, finds it made. Closing the
 * adapters closes it too.
 */
export function withRefinedStore(adapters: LocalAdapters): LakeAdapters {
  const db = acquireDatabase(path.join(adapters.dataDir, 'refined.db'));
  adapters.objectStore.addAttributeZone({ prefix: REFINED_ZONE_PREFIX, db, segments: refinedSegmentsDir(adapters.dataDir) });
  const changeSignal = new ChangeSignal();
  return {
    ...adapters,
    resources: new SqliteResourceStore(db),
    changeSignal,
    async close() {
      changeSignal.close();
      await adapters.close();
      await releaseDatabase(db);
    },
  };
}

/**
 * Fault injection for crash tests (HCDL_FAILPOINTS, comma separated names): a named point of a
 * use-case the lake reaches is announced on stderr, then the process waits there forever, so
 * a test can kill it at exactly that point (after observed progress, never after a time).
 */
export function failpointsOf(names: readonly string[]): ((name: string) => Promise<void>) | undefined {
  if (names.length === 0) return undefined;
  const armed = new Set(names);
  return async (name) => {
    if (!armed.has(name)) return;
    process.stderr.write(`hcdl: failpoint ${name} reached\n`);
    await new Promise<never>(() => undefined);
  };
}

/**
 * Messages refined at once. Each holds its parsed message and its resources until its versions
 * are committed: without a bound, a staging backlog draining at once (thousands of `staged`
 * events) started thousands of refines together and held gigabytes. The rest wait in the hub.
 */
export const REFINED_CONCURRENCY = 16;

/**
 * The refined stage on the in-process hub (the filter policy the AWS stack uses), marking each
 * message refined: in its own thread when `thread` is given (the lake), else on this thread
 * (`hcdl replay --fhir`, which serves nothing). Either way at most REFINED_CONCURRENCY
 * messages at once: a delivery lasts until its message is refined.
 */
export function subscribeRefined(adapters: LakeAdapters, app: Application, thread?: RefinedThread): void {
  const refined = app.refined;
  if (refined === undefined) return;
  adapters.hub.subscribe({
    ...REFINED_SUBSCRIPTION,
    concurrency: REFINED_CONCURRENCY,
    handle:
      thread !== undefined
        ? async (event) => {
            // `staged` is published inside the outcome's deferred commit: the thread reads the
            // catalog through a connection of its own, which sees the outcome once committed.
            await adapters.group.settled();
            await thread.hand(event);
          }
        : // Outside the scope of the outcome that published `staged` (its deferred group commit):
          // each version must be durable before the relay announces it.
          (event) =>
            adapters.group.detached(async () => {
              if (!isHubEvent(event, HubEventName.Staged)) return;
              await refined.refine(event.body);
              await adapters.resources.markRefined(event.body.messageId, new Date().toISOString());
            }),
  });
  // Change streams wake on the announcements of this process (other processes' are polled).
  adapters.hub.subscribe({
    name: 'change-streams',
    filterPolicy: { event: [HubEventName.FhirChanged] },
    handle: async () => adapters.changeSignal.notify(),
  });
}

/** Name of the flag a cleanly stopped lake leaves: nothing of the refined stage was in flight. */
export const CLEAN_STOP = 'clean-stop';

/**
 * After a start: publishes what the outbox holds (versions committed by a process that died
 * before publishing them), then, unless the previous lake stopped cleanly, re-announces
 * `staged` for every staged message not marked refined (the in-process hub lost its events
 * with the process). Returns how many messages were sent to refine again.
 */
export async function resumeRefined(adapters: LakeAdapters, app: Application, logger: LogPort, thread?: RefinedThread): Promise<number> {
  const refined = app.refined;
  if (refined === undefined) return 0;
  // The thread that owns refined.db drains and takes the flag; the scan below only reads.
  const { published, cleanStop } =
    thread !== undefined ? await thread.resume() : { published: await refined.relay.drain(), cleanStop: await adapters.resources.takeFlag(CLEAN_STOP) };
  if (published > 0) logger.info('published versions left in the outbox', { count: published });
  if (cleanStop) return 0;
  return republishUnrefined(adapters.catalog, adapters.resources, adapters.hub, logger);
}

async function republishUnrefined(catalog: Catalog, store: SqliteResourceStore, hub: Hub, logger: LogPort): Promise<number> {
  let n = 0;
  for await (const rows of allPages((cursor) =>
    catalog.listMessages({ status: MessageStatus.Staged, limit: 1000, ...(cursor !== undefined ? { cursor } : {}) }),
  )) {
    const done = store.refinedAmong(rows.map((r) => r.messageId));
    for (const r of rows) {
      if (done.has(r.messageId) || r.stagingKey === undefined) continue;
      await hub.publish(stagedEvent({ ...r, stagingKey: r.stagingKey }));
      n++;
    }
  }
  if (n > 0) logger.info('resumed messages waiting for the refined stage', { count: n });
  return n;
}

/** Records a clean stop (call once the hub is idle): the next start skips the catalog scan. */
export function markCleanStop(adapters: LakeAdapters): Promise<void> {
  return adapters.resources.setFlag(CLEAN_STOP, new Date().toISOString());
}
