import { allPages, type Catalog, CatalogConflictError, type LogPort, type MessageRecord, MessageStatus } from '@hcdl/lake';
import type { DoorReplayer } from './door-replay';

/** What `replay` did with one message id. */
export interface ReplayResult {
  messageId: string;
  /** `replayed`: staging runs again with `attempt`; otherwise nothing was done. */
  outcome: 'replayed' | 'not-found' | 'not-in-error';
  attempt?: number;
  /** The status found when the message was not in error. */
  status?: string;
  /** A door rejection the door's split now reads as several messages: their ids (and batch). */
  split?: { batchId?: string; messageIds: string[] };
}

export interface ReplayDeps {
  catalog: Catalog;
  logger: LogPort;
  now: () => string;
  /** Publishes `ingested` for a row (failures are logged, the row stays `ingested`). */
  publishIngested: (record: MessageRecord) => Promise<void>;
  /** Replays door rejections through the door's split (docs/adr/0013); without it they go to staging as they are. */
  door?: DoorReplayer;
}

const PAGE = 500;

/** Operator actions that run staging again: resume waiting rows, replay rows in error. */
export function createReplay(deps: ReplayDeps) {
  /** Re-publishes `ingested` for every row still waiting for staging (after a crash or restart). */
  async function resume(): Promise<number> {
    let n = 0;
    for await (const rows of allPages((cursor) =>
      deps.catalog.listMessages({ status: MessageStatus.Ingested, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) }),
    )) {
      for (const r of rows) {
        await deps.publishIngested(r);
        n++;
      }
    }
    if (n > 0) deps.logger.info('resumed messages waiting for staging', { count: n });
    return n;
  }

  /**
   * Replay: re-runs staging for a message in status `error` from its raw bytes, without
   * re-ingesting. The row goes back to `ingested` (conditionally, so two concurrent replays
   * of one message run it once) and `ingested` is published again with the next attempt
   * number; staging then ends `staged` or `failed` as for a new message. Every attempt's
   * errors stay in the catalog. A crash after the status change is covered by `resume`.
   */
  async function replay(messageId: string): Promise<ReplayResult> {
    const record = await deps.catalog.getMessage(messageId);
    if (record === undefined) return { messageId, outcome: 'not-found' };
    if (record.status !== MessageStatus.Error) return { messageId, outcome: 'not-in-error', status: record.status };
    const atDoor = deps.door !== undefined && (await deps.door.refusedAtDoor(record));
    let updated: MessageRecord;
    try {
      updated = await deps.catalog.updateMessage(messageId, { status: MessageStatus.Ingested, updatedAt: deps.now() }, MessageStatus.Error);
    } catch (err) {
      if (err instanceof CatalogConflictError) return { messageId, outcome: 'not-in-error' };
      throw err;
    }
    deps.logger.info('message replayed', { messageId, attempt: updated.attempts + 1 });
    if (atDoor && deps.door !== undefined) {
      const door = await deps.door.run(updated, updated.attempts + 1);
      if (door.kind === 'rejected') return { messageId, outcome: 'replayed', attempt: updated.attempts + 1 };
      if (door.kind === 'split') {
        const split = door.batchId !== undefined ? { batchId: door.batchId, messageIds: door.messageIds } : { messageIds: door.messageIds };
        return { messageId, outcome: 'replayed', attempt: updated.attempts + 1, split };
      }
    }
    await deps.publishIngested(updated);
    return { messageId, outcome: 'replayed', attempt: updated.attempts + 1 };
  }

  /**
   * Replays every message in status `error`, optionally received since an instant and from
   * some sources. The ids are listed first: replaying changes the status the listing filters on.
   */
  async function replayErrors(filter: { since?: string; source?: string | string[] } = {}): Promise<ReplayResult[]> {
    const ids: string[] = [];
    for await (const rows of allPages((cursor) =>
      deps.catalog.listMessages({ ...filter, status: MessageStatus.Error, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) }),
    )) {
      ids.push(...rows.map((r) => r.messageId));
    }
    const out: ReplayResult[] = [];
    for (const id of ids) out.push(await replay(id));
    return out;
  }

  return { resume, replay, replayErrors };
}

export type Replay = ReturnType<typeof createReplay>;
