/**
 * The module the refined stage's thread runs (ADR 0018): refine and its outbox relay, on
 * connections of this thread. Loaded through refined-entry.mjs when the lake runs from the
 * TypeScript sources, and bundled as refined-entry.mjs beside the compiled CLI
 * (scripts/build-cli.mjs).
 *
 * What it opens: `refined.db` read-write (this thread is its only writer while the lake runs:
 * the resource index, the outbox, the refined zone's object attributes, the marks of refined
 * messages and the clean-stop flag), `catalog.db` READ-ONLY (messages, patient index and raw
 * bodies; a write through it throws), and the zones folder for the refined objects' files.
 */
import path from 'node:path';
import { isMainThread, type MessagePort, parentPort, threadId, workerData } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import { createRefinedStage, REFINED_SUBSCRIPTION, RELAY_BATCH } from '@hcdl/core';
import { HubEventName, type HubEvent, isHubEvent, parseHubEvent } from '@hcdl/lake';
import { acquireDatabase, openReadOnlyDatabase, releaseDatabase } from '../adapters/local-adapters';
import { LakeObjectStore } from '../adapters/lake-object-store';
import { SqliteCatalog } from '../adapters/sqlite-catalog';
import { SqliteResourceStore } from '../adapters/sqlite-resource-store';
import { errorLabel, withRetries } from '../adapters/in-process-hub';
import { refinedSegmentsDir } from '../adapters/segment-files';
import { CLEAN_STOP, failpointsOf, REFINED_ZONE_PREFIX } from './refined';
import { lowerThreadPriority, threadNice } from './thread-priority';
import { type FromRefined, REFINED_THREAD_ROLE, type RefinedThreadData, type ToRefined } from './refined-protocol';

/**
 * How much lower the refined thread's priority is than the lake's (nice steps; the staging
 * workers are 5 lower). The FHIR zone is derived from the staged one, so when the machine has
 * no core to spare, ingest and staging go first and the refined stage catches up after (its
 * backlog is `refined.waiting` in /health). 10 steps give it about a tenth of a core that
 * ingest also wants, and all of an idle one.
 */
export const REFINED_NICE = 10;

export function serveRefined(port: MessagePort, data: RefinedThreadData): void {
  const post = (m: FromRefined): void => port.postMessage(m);
  const logger = new Logger({ serviceName: 'hcdl-local', logLevel: data.logLevel as 'INFO' });
  logger.appendKeys({ thread: 'refined' });
  if (!lowerThreadPriority(REFINED_NICE)) logger.debug('refined thread priority unchanged (not Linux, or refused)');

  const catalogDb = openReadOnlyDatabase(path.join(data.dataDir, 'catalog.db'));
  const refinedDb = acquireDatabase(path.join(data.dataDir, 'refined.db'));
  const objectStore = new LakeObjectStore(catalogDb, path.join(data.dataDir, 'zones'), {
    attributeZones: [{ prefix: REFINED_ZONE_PREFIX, db: refinedDb, segments: refinedSegmentsDir(data.dataDir) }],
  });
  const resources = new SqliteResourceStore(refinedDb);

  // Announcement batches waiting for the main thread to have published them on its hub.
  const announcing = new Map<number, { resolve(): void; reject(err: Error): void }>();
  let nextId = 1;
  const publishAll = (events: readonly HubEvent[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      announcing.set(id, { resolve, reject });
      post({ kind: 'announce', id, events: [...events] });
    });

  const failpoint = failpointsOf(data.failpoints);
  const stage = createRefinedStage({
    objectStore,
    // The segment zone joins the puts of one turn into one file: a whole outbox batch at once.
    putsAtOnce: RELAY_BATCH,
    catalog: new SqliteCatalog(catalogDb),
    resources,
    changeFeed: resources,
    publishAll,
    logger,
    now: () => new Date().toISOString(),
    ...(failpoint !== undefined ? { failpoint } : {}),
  });

  let inFlight = 0;
  let quiet: (() => void)[] = [];
  const idle = (): Promise<void> => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => quiet.push(resolve)));

  async function refineOnce(event: HubEvent): Promise<void> {
    if (!isHubEvent(event, HubEventName.Staged)) return;
    await stage.refine(event.body);
    await resources.markRefined(event.body.messageId, new Date().toISOString());
  }

  /** One staged event, with the hub's retries; a last failure is logged as a dead letter (ids and the error's class only). */
  async function handle(id: number, wire: HubEvent): Promise<void> {
    try {
      const event = parseHubEvent(wire.attributes as unknown as Record<string, string | undefined>, wire.body);
      const failed = await withRetries(() => refineOnce(event));
      if (failed !== undefined) throw failed.error;
    } catch (err) {
      const messageId = (wire.body as { messageId?: unknown } | null)?.messageId;
      logger.error('event dead-lettered', {
        subscription: REFINED_SUBSCRIPTION.name,
        ...(typeof messageId === 'string' ? { messageId } : {}),
        error: errorLabel(err),
      });
    } finally {
      post({ kind: 'done', id });
      if (--inFlight === 0) {
        const waiting = quiet;
        quiet = [];
        for (const wake of waiting) wake();
      }
    }
  }

  async function answer(id: number, work: () => Promise<FromRefined>): Promise<void> {
    try {
      post(await work());
    } catch (err) {
      post({ kind: 'failed', id, error: errorLabel(err) });
    }
  }

  port.on('message', (m: ToRefined) => {
    switch (m.kind) {
      case 'staged':
        inFlight++;
        void handle(m.id, m.event);
        return;
      case 'published': {
        const waiting = announcing.get(m.id);
        announcing.delete(m.id);
        if (m.error === undefined) waiting?.resolve();
        else waiting?.reject(new Error(`the main thread could not publish: ${m.error}`));
        return;
      }
      case 'resume':
        void answer(m.id, async () => {
          const published = await stage.relay.drain();
          const cleanStop = await resources.takeFlag(CLEAN_STOP);
          return { kind: 'resumed', id: m.id, published, cleanStop };
        });
        return;
      case 'close':
        void answer(m.id, async () => {
          await idle();
          if (m.cleanStop) await resources.setFlag(CLEAN_STOP, new Date().toISOString());
          await objectStore.close();
          await releaseDatabase(refinedDb);
          catalogDb.close();
          return { kind: 'closed', id: m.id };
        });
        return;
    }
  });
  const nice = threadNice();
  post({ kind: 'ready', threadId, ...(nice !== undefined ? { nice } : {}) });
}

const data = workerData as Partial<RefinedThreadData> | null;
if (!isMainThread && parentPort !== null && data?.role === REFINED_THREAD_ROLE) serveRefined(parentPort, data as RefinedThreadData);
