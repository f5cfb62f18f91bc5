import {
  allPages,
  type Catalog,
  CatalogConflictError,
  hubEventFromSqs,
  isHubEvent,
  HubEventName,
  type LogPort,
  type MessageRecord,
  MessageStatus,
  type SqsRecordLike,
  ValidationError,
} from '@hcdl/lake';

/** One message of a dead-letter queue: an `ingested` event whose staging run failed after every retry. */
export interface DeadLetter extends SqsRecordLike {
  /** What the queue needs to delete this receipt of the message. */
  receipt: string;
}

/** The dead-letter queue of the staging workflow, as the sweep needs it (SQS on AWS). */
export interface DeadLetterQueue {
  /** Up to `max` letters, hidden from other readers for a while (never the whole queue at once). */
  receive(max: number): Promise<DeadLetter[]>;
  remove(letter: DeadLetter): Promise<void>;
}

export interface SweepDeps {
  catalog: Pick<Catalog, 'listMessages' | 'getMessage' | 'updateMessage'>;
  logger: LogPort;
  now: () => Date;
  /** Publishes `ingested` for a row (failures are logged, the row stays `ingested`). */
  publishIngested: (record: MessageRecord) => Promise<void>;
}

export interface ResumeStaleOptions {
  /** A row waits this long after its last change before it is published again. */
  olderThanMs: number;
  /** Longest wait between two resumes of one row; the wait doubles with the row's age up to it (default 6 h). */
  maxBackoffMs?: number;
  /** At most this many rows are published per sweep (default 500). */
  maxResumes?: number;
  /** At most this many waiting rows are read per sweep (default 5000). */
  maxScanned?: number;
}

export interface ResumeStaleResult {
  /** Rows published again by this sweep. */
  resumed: number;
  /** Rows older than `olderThanMs` still waiting (resumed or backing off), as far as the sweep read. */
  waiting: number;
  /** Age in seconds of the oldest row still `ingested`, by receive time (0 when none waits). */
  oldestAgeSeconds: number;
  oldestMessageId?: string;
}

export interface ReconcileResult {
  /** Letters read. */
  received: number;
  /** Letters whose message has its outcome since: deleted, nothing is stranded. */
  cleared: number;
  /** Letters whose message still waits (the sweep resumes it): kept for the operator. */
  stranded: number;
  /** Letters that are not `ingested` events, or about a message the catalog does not hold: kept. */
  unknown: number;
}

const PAGE = 200;
export const DEFAULT_MAX_BACKOFF_MS = 6 * 3600 * 1000;

/**
 * The sweep that keeps messages from being stranded between ingest and outcome (issue 16):
 *
 * - `resumeStale` publishes `ingested` again for rows still `ingested` whose last change is
 *   older than a bound: the publish after ingest failed (the writer logs and leaves the row),
 *   or the staging run failed after every retry and its event sits in the dead-letter queue.
 *   Each resume first moves the row's `updatedAt` (a conditional write: a row that reached its
 *   outcome meanwhile is left alone), and a row is resumed again only after it has waited as
 *   long as it had waited before (capped): a message that can never be staged costs a few
 *   runs a day while the alarms say so, not one per sweep.
 * - `reconcileDeadLetters` deletes the dead letters whose message has its outcome by now
 *   (a resume or a redrive succeeded), so the queue's depth counts only what is still stranded.
 */
export function createSweep(deps: SweepDeps) {
  /** How long a row waits after its last change before the next resume (doubling, bounded). */
  function waitOf(row: MessageRecord, minMs: number, maxMs: number): number {
    const waited = Date.parse(row.updatedAt) - Date.parse(row.receivedAt);
    return Math.min(Math.max(Number.isFinite(waited) ? waited : 0, minMs), Math.max(maxMs, minMs));
  }

  async function resumeOne(row: MessageRecord, at: string): Promise<boolean> {
    let claimed: MessageRecord;
    try {
      claimed = await deps.catalog.updateMessage(row.messageId, { updatedAt: at }, MessageStatus.Ingested);
    } catch (err) {
      if (err instanceof CatalogConflictError) return false;
      throw err;
    }
    await deps.publishIngested(claimed);
    return true;
  }

  async function oldestWaiting(): Promise<MessageRecord | undefined> {
    return (await deps.catalog.listMessages({ status: MessageStatus.Ingested, limit: 1 })).items[0];
  }

  async function resumeStale(options: ResumeStaleOptions): Promise<ResumeStaleResult> {
    const now = deps.now();
    const cutoff = new Date(now.getTime() - options.olderThanMs).toISOString();
    const maxBackoff = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    const maxResumes = options.maxResumes ?? 500;
    const maxScanned = options.maxScanned ?? 5000;
    let resumed = 0;
    let waiting = 0;
    let oldest: MessageRecord | undefined;
    scan: for await (const rows of allPages((cursor) =>
      deps.catalog.listMessages({ status: MessageStatus.Ingested, until: cutoff, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) }),
    )) {
      for (const row of rows) {
        oldest ??= row;
        waiting++;
        const due = now.getTime() - Date.parse(row.updatedAt) >= waitOf(row, options.olderThanMs, maxBackoff);
        if (due && (await resumeOne(row, now.toISOString()))) resumed++;
        if (resumed >= maxResumes || waiting >= maxScanned) break scan;
      }
    }
    oldest ??= await oldestWaiting();
    const ageMs = oldest === undefined ? 0 : Math.max(0, now.getTime() - Date.parse(oldest.receivedAt));
    if (resumed > 0 || waiting > 0) deps.logger.info('stale messages swept', { resumed, waiting, oldestAgeSeconds: Math.floor(ageMs / 1000) });
    const result: ResumeStaleResult = { resumed, waiting, oldestAgeSeconds: Math.floor(ageMs / 1000) };
    if (oldest !== undefined) result.oldestMessageId = oldest.messageId;
    return result;
  }

  /** Whether the catalog holds the outcome of the attempt a dead letter was about. */
  function settled(row: MessageRecord, attempt: number): boolean {
    return row.status !== MessageStatus.Ingested || row.attempts >= attempt;
  }

  async function reconcileDeadLetters(queue: DeadLetterQueue, options: { maxLetters?: number } = {}): Promise<ReconcileResult> {
    const result: ReconcileResult = { received: 0, cleared: 0, stranded: 0, unknown: 0 };
    const max = options.maxLetters ?? 100;
    while (result.received < max) {
      const letters = await queue.receive(Math.min(10, max - result.received));
      if (letters.length === 0) break;
      for (const letter of letters) {
        result.received++;
        let target: { messageId: string; attempt: number };
        try {
          const event = hubEventFromSqs(letter);
          if (!isHubEvent(event, HubEventName.Ingested)) throw new ValidationError('not an ingested event');
          target = { messageId: event.body.messageId, attempt: event.body.attempt };
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          result.unknown++;
          continue;
        }
        const row = await deps.catalog.getMessage(target.messageId);
        if (row === undefined) result.unknown++;
        else if (settled(row, target.attempt)) {
          await queue.remove(letter);
          result.cleared++;
        } else result.stranded++;
      }
    }
    if (result.received > 0) deps.logger.info('dead letters reconciled', { ...result });
    return result;
  }

  return { resumeStale, reconcileDeadLetters };
}

export type Sweep = ReturnType<typeof createSweep>;
