import { eventIdOf, type LogPort, type ObjectStore, type ResourceStore, type ResourceVersion, rawKey, tombstoneOf } from '@hcdl/lake';

export interface RelayDeps {
  resources: Pick<ResourceStore, 'pending' | 'markPublished'>;
  objectStore: Pick<ObjectStore, 'put'>;
  /**
   * Announces a version once its object is in the refined zone (locally: `fhir-changed` on the
   * hub; on AWS an event on the refined EventBridge bus).
   */
  announce?: (version: ResourceVersion) => Promise<void>;
  /** Announces a batch of versions in commit order at once (AWS: PutEvents, 10 a call); used instead of `announce` when given. */
  announceAll?: (versions: readonly ResourceVersion[]) => Promise<void>;
  logger: LogPort;
  /**
   * Objects written at once (default 16, S3 PUTs in flight). A store that joins the puts of one
   * turn into one write (the local segment zone, ADR 0019) takes a whole outbox batch at once.
   */
  putsAtOnce?: number;
}

/** Versions read from the outbox per round. */
export const RELAY_BATCH = 100;
/** Objects written at once by default. */
const PUTS_AT_ONCE = 16;

/**
 * The outbox relay: publishes what the resource store committed. For each pending version, in
 * commit order: write its object to the refined zone (`refined/fhir/<Type>/<id>/<v>.json`,
 * tagged with the raw key of the message that made it; a delete's is a tombstone, tombstoneOf), announce it,
 * then mark it published. A process that dies anywhere in between leaves the version pending,
 * and the next drain (the next message, or the start of the next process) does it again: the
 * object is rewritten with the same committed bytes, the announcement may be repeated (at
 * least once, with the version's event id to recognise it), nothing is lost.
 *
 * Drains are serialized in the process: a call while one runs waits for the next one, which
 * starts after the current and so sees everything committed before the call.
 */
export function createRelay(deps: RelayDeps) {
  let tail: Promise<unknown> = Promise.resolve();
  let queued: Promise<number> | undefined;

  const materialize = (v: ResourceVersion): Promise<void> =>
    deps.objectStore.put({
      key: v.key,
      body: v.body ?? tombstoneOf(v),
      contentType: 'application/fhir+json',
      tags: { data_src: rawKey(v.source, v.messageId) },
      metadata: { 'message-id': v.messageId },
    });

  /** Objects first (several at once: each put is durable on its own), then the announcements in commit order, then one mark. */
  async function publish(batch: readonly ResourceVersion[]): Promise<void> {
    const atOnce = deps.putsAtOnce ?? PUTS_AT_ONCE;
    for (let i = 0; i < batch.length; i += atOnce) await Promise.all(batch.slice(i, i + atOnce).map(materialize));
    if (deps.announceAll !== undefined) await deps.announceAll(batch);
    else if (deps.announce !== undefined) for (const v of batch) await deps.announce(v);
    await deps.resources.markPublished(batch.map(eventIdOf));
  }

  async function drainNow(): Promise<number> {
    let n = 0;
    for (;;) {
      const batch = await deps.resources.pending(RELAY_BATCH);
      if (batch.length === 0) break;
      await publish(batch);
      n += batch.length;
    }
    if (n > 0) deps.logger.debug('refined versions published', { count: n });
    return n;
  }

  return {
    /** Publishes every pending version; resolves with how many this drain published. */
    drain(): Promise<number> {
      if (queued !== undefined) return queued;
      const next = tail.then(() => {
        queued = undefined;
        return drainNow();
      });
      queued = next;
      tail = next.catch(() => undefined);
      return next;
    },
  };
}

export type Relay = ReturnType<typeof createRelay>;
