import type { StageOutput } from '@hcdl/core';
import { ingestedEvent, type IngestedEvent, type MessageRecord } from '@hcdl/lake';

/** The two steps of the local staging workflow (the core's stage, then its outcome). */
export interface StagingWork {
  stage(event: IngestedEvent): Promise<StageOutput>;
  apply(output: StageOutput): Promise<unknown>;
}

/** The catalog as the scheduler's queue on disk: the rows still waiting for staging. */
export interface WaitingRows {
  /** The oldest `ingested` rows with an id after `after` (all when empty), at most `limit`. */
  oldest(limit: number, after?: string): MessageRecord[];
  /** How many rows are `ingested`, counted up to `cap`. */
  count(cap: number): number;
  /** The row now (a row taken from disk is staged only while still `ingested`). */
  get(messageId: string): Promise<MessageRecord | undefined>;
}

export interface StagingSchedulerOptions {
  work: StagingWork;
  waiting: WaitingRows;
  /** Resolves once what was written so far is durable: a message is staged only after its ingest is. */
  durable: () => Promise<void>;
  /** Runs work outside the scope of the request that offered the event (see GroupCommit.detached). */
  detach: <T>(work: () => T) => T;
  /** Messages in the stage step at once (reading raw bytes, in a worker). */
  stageConcurrency: number;
  /** Outcomes being recorded at once (their writes share the group commits). */
  applyConcurrency: number;
  /** Events kept in memory; past it, the catalog is the queue (HCDL_STAGING_BACKLOG). */
  bound: number;
  logger: { error(message: string, extra: Record<string, unknown>): void; info(message: string, extra: Record<string, unknown>): void };
  /** Attempts per message in one round (default 3). */
  maxAttempts?: number;
  backoffMs?: number;
  /**
   * After a message failed every attempt (the disk full, a zone unwritable), its row stays
   * `ingested` and is taken again this long after, without a restart, until it is staged
   * (default 60 s; HCDL_STAGING_RETRY_MS).
   */
  retryFailedMs?: number;
}

/** The staging backlog, as /health shows it. */
export interface StagingBacklog {
  /** Messages received and not yet staged or refused (counted up to 1,000,000). */
  waiting: number;
  /** Age of the oldest of them, in seconds. */
  oldestWaitingSeconds: number | null;
  queued: number;
  staging: number;
  recording: number;
  /** Messages whose staging failed every attempt of their last round (they are taken again after retryFailedMs). */
  failed: number;
}

const COUNT_CAP = 1_000_000;
/** Rows read back from the catalog at a time (much more than the messages in work at once). */
const REFILL_PAGE = 512;

/**
 * The local lake's staging queue. `ingested` events are queued in memory up to a bound and
 * staged in order, a few at a time in the stage step (the worker pool) and more in the
 * outcome step (I/O). Past the bound, events are not kept: the row is durable and `ingested`,
 * so the catalog is the queue, read again oldest first whenever the memory queue runs dry.
 * Ingest therefore never waits for staging, memory stays bounded whatever the backlog, and
 * the backlog drains in receive order. The same reading of the catalog resumes the work a
 * previous process left when it starts.
 */
export class StagingScheduler {
  private readonly queue: { event: IngestedEvent; fromDisk: boolean }[] = [];
  /** Ids queued or in work. */
  private readonly known = new Set<string>();
  /** Ids whose every attempt failed: not taken from disk again until the retry timer fires. */
  private readonly failedIds = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  private spilled = false;
  /** Where the current read of the catalog is: rows up to this id were taken (or skipped). */
  private cursor = '';
  /** Whether an event was not kept since the current read of the catalog started. */
  private dropped = false;
  private staging = 0;
  private recording = 0;
  private readonly recordWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: StagingSchedulerOptions) {}

  /** Takes an `ingested` event (the hub subscription's handler); never waits for the staging. */
  offer(event: IngestedEvent): void {
    if (this.closed || this.known.has(event.body.messageId)) return;
    if (this.spilled || this.queue.length >= this.o.bound) {
      // The row is durable: it will be read back from the catalog, in its turn.
      this.spilled = true;
      this.dropped = true;
    } else {
      this.queue.push({ event, fromDisk: false });
      this.known.add(event.body.messageId);
    }
    this.o.detach(() => this.pump());
  }

  /** Stages every row the catalog holds `ingested` (at start: the work a previous process left). */
  resume(): void {
    this.spilled = true;
    this.cursor = '';
    this.o.detach(() => this.pump());
  }

  backlog(): StagingBacklog {
    const oldest = this.o.waiting.oldest(1)[0];
    return {
      waiting: this.o.waiting.count(COUNT_CAP),
      oldestWaitingSeconds: oldest === undefined ? null : Math.max(0, (Date.now() - Date.parse(oldest.receivedAt)) / 1000),
      queued: this.queue.length,
      staging: this.staging,
      recording: this.recording,
      failed: this.failedIds.size,
    };
  }

  /** Resolves when nothing is queued, in work, or waiting on disk to be taken. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and waits for the work in progress. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const q of this.queue) this.known.delete(q.event.body.messageId);
    this.queue.length = 0;
    this.spilled = false;
    this.cursor = '';
    await this.idle();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.known.size === 0 && !this.spilled;
  }

  private pump(): void {
    if (this.queue.length === 0 && this.spilled && !this.closed) this.refill();
    while (this.staging < this.o.stageConcurrency && this.queue.length > 0) {
      const next = this.queue.shift() as { event: IngestedEvent; fromDisk: boolean };
      this.staging++;
      void this.process(next.event, next.fromDisk);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Queues the next page of waiting rows, oldest first, that are not already known. The
   * catalog is read in one pass, a page at a time (it runs on the event loop), past rows in
   * work or given up; a pass during which an event was not kept is followed by another, so a
   * row committed out of id order is not missed.
   */
  private refill(): void {
    if (this.cursor === '') this.dropped = false;
    const page = Math.min(this.o.bound, REFILL_PAGE);
    const rows = this.o.waiting.oldest(page, this.cursor);
    for (const r of rows) {
      this.cursor = r.messageId;
      if (this.known.has(r.messageId) || this.failedIds.has(r.messageId)) continue;
      this.queue.push({ event: ingestedEvent(r), fromDisk: true });
      this.known.add(r.messageId);
    }
    if (rows.length < page) {
      // The end of the pass: done, unless events were not kept meanwhile.
      this.cursor = '';
      this.spilled = this.dropped;
    }
  }

  private async process(event: IngestedEvent, fromDisk: boolean): Promise<void> {
    const id = event.body.messageId;
    let inStage = true;
    try {
      await this.o.durable();
      if (fromDisk && (await this.o.waiting.get(id))?.status !== 'ingested') return;
      const max = this.o.maxAttempts ?? 3;
      let wait = this.o.backoffMs ?? 50;
      for (let attempt = 1; ; attempt++) {
        try {
          if (!inStage) {
            this.staging++;
            inStage = true;
          }
          const output = await this.o.work.stage(event);
          this.staging--;
          inStage = false;
          this.pump();
          await this.record(output);
          return;
        } catch (err) {
          if (attempt >= max || this.closed) {
            this.failedIds.add(id);
            this.o.logger.error('staging failed; the message stays ingested and is retried later', {
              messageId: id,
              error: (err as Error).name,
              code: (err as NodeJS.ErrnoException).code,
            });
            this.scheduleRetry();
            return;
          }
          await new Promise((r) => setTimeout(r, wait));
          wait *= 2;
        }
      }
    } finally {
      if (inStage) this.staging--;
      this.known.delete(id);
      this.pump();
    }
  }

  /**
   * Gives the failed rows another round later: what failed for want of space (or any other
   * passing cause) is staged once the cause is gone, without a restart. Rows still failing
   * come back at the next tick; the timer does not keep the process alive.
   */
  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closed || this.failedIds.size === 0) return;
      this.o.logger.info('retrying messages whose staging failed', { count: this.failedIds.size });
      this.failedIds.clear();
      this.resume();
    }, this.o.retryFailedMs ?? 60_000);
    this.retryTimer.unref();
  }

  /** Records an outcome, at most `applyConcurrency` at once. */
  private async record(output: StageOutput): Promise<void> {
    if (this.recording >= this.o.applyConcurrency) await new Promise<void>((resolve) => this.recordWaiters.push(resolve));
    else this.recording++;
    try {
      await this.o.work.apply(output);
    } finally {
      const next = this.recordWaiters.shift();
      if (next !== undefined) next();
      else this.recording--;
    }
  }
}
