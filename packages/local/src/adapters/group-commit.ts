import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fstatSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { type Checkpointer, createCheckpointer } from './checkpointer';
import { createFsThreads, type FsThreads } from './fs-threads';

/** Makes a file's written data durable (fdatasync), off the event loop. */
export type SyncFile = (fd: number) => Promise<void>;

interface Batch {
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody waits for (its writers threw) must not surface as an unhandled rejection.
  done.catch(() => undefined);
  return { done, resolve, reject };
}

/** A unit of work whose writes wait for durability once, at its end (see `GroupCommit.deferred`). */
interface Scope {
  /** The last batch a write or an observed read of the scope belongs to (batches commit in order). */
  last: Promise<void> | undefined;
  /** Writes since the scope last let the event loop turn. */
  run: number;
}

/** WAL size past which the checkpointer thread is asked for a checkpoint (SQLite's own default: 1,000 pages of 4 KB). */
const CHECKPOINT_BYTES = 4 * 1024 * 1024;

/** Writes a deferred scope makes before it lets the event loop serve others (a batch file is thousands). */
const WRITES_PER_TURN = 64;

/** What the group commit has done so far (the benchmark prints writes per sync). */
export interface GroupCommitStats {
  writes: number;
  commits: number;
  syncs: number;
  /** Time spent waiting for syncs, in ms. */
  syncMs: number;
  /** WAL checkpoints run by the checkpointer thread. */
  checkpoints: number;
}

/**
 * Group commit on one SQLite connection. Every write of the catalog, the idempotency records
 * and the objects table runs at once, on the event loop, inside one open transaction; its
 * promise resolves only when a commit that holds it is on disk. Per batch: one COMMIT (WAL
 * mode with synchronous=NORMAL: SQLite appends the frames without syncing) and then one
 * fdatasync of the WAL file on a thread of its own (./fs-threads.ts), so the event loop keeps
 * serving requests while the disk works. Writes that come during that sync open the next transaction and are
 * committed together when it ends: under load, a batch holds every request that arrived
 * during one sync. Batches commit in order, so nothing a write saw can become durable after
 * the write itself.
 *
 * Reads on the connection may see rows of the open transaction. Reads whose answer leaves the
 * process (a duplicate's original id, the read API) wait for `settled()` first.
 *
 * `deferred(work)` runs a request's whole use-case (submit: dedup record, raw object, catalog
 * row, dedup result) with each write resolving as soon as it has run, and waits once, at the
 * end, for the commit that holds the last of them: the transport answers only after that.
 * A request then costs one sync wait instead of one per write, and the writes of a batch
 * file or of consecutive MLLP frames pile into the same commits.
 */
export class GroupCommit {
  private open: Batch | undefined;
  private syncing: Batch | undefined;
  private scheduled = false;
  private walFd: number | undefined;
  private readonly wal: string | undefined;
  private readonly scopes = new AsyncLocalStorage<Scope>();
  readonly stats: GroupCommitStats = { writes: 0, commits: 0, syncs: 0, syncMs: 0, checkpoints: 0 };
  /** Checkpoints the WAL off the event loop (a file in WAL mode only; started at the first need). */
  private checkpointer: Checkpointer | undefined;
  private readonly checkpoints: boolean;

  private readonly syncFile: SyncFile;
  /** The thread that syncs, when this group started one (no SyncFile was given). */
  private readonly thread: FsThreads | undefined;
  /**
   * Runs its argument in a savepoint of the open transaction. Made once: better-sqlite3's
   * `db.transaction(fn)` builds four wrappers and defines their properties on every call,
   * which cost more than the statements of a small write under load.
   */
  private readonly inSavepoint: (work: () => unknown) => unknown;

  constructor(
    private readonly db: Database.Database,
    syncFile?: SyncFile,
  ) {
    if (syncFile === undefined) this.thread = createFsThreads(1);
    this.syncFile = syncFile ?? (this.thread as FsThreads).datasync;
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    // An in-memory database has nothing to sync; a file in WAL mode syncs its WAL (the
    // frames of a commit live there until a checkpoint, which SQLite syncs itself).
    const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
    this.wal = db.memory ? undefined : mode === 'wal' ? `${db.name}-wal` : db.name;
    // The checkpoint SQLite runs inside a COMMIT would run on the event loop: a thread does it.
    this.checkpoints = !db.memory && mode === 'wal';
    if (this.checkpoints) db.pragma('wal_autocheckpoint = 0');
    Object.defineProperty(this.stats, 'checkpoints', { enumerable: true, get: () => this.checkpointer?.stats.checkpoints ?? 0 });
  }

  /**
   * Runs `work` (the statements of one write; several go in `db.transaction`, a savepoint
   * inside the open transaction) and resolves with its result once it is durable. When
   * `work` throws, the error comes after the commit too: what the write saw is then durable.
   */
  async write<T>(work: () => T): Promise<T> {
    const batch = this.begin();
    this.stats.writes++;
    const scope = this.scopes.getStore();
    if (scope !== undefined) {
      scope.last = batch.done;
      if (++scope.run >= WRITES_PER_TURN) {
        scope.run = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return work();
    }
    let result: T;
    try {
      result = work();
    } catch (err) {
      await batch.done;
      throw err;
    }
    await batch.done;
    return result;
  }

  /**
   * `write`, its statements in one savepoint: when `work` throws, what it wrote is rolled
   * back alone (the rest of the batch stays) and the error comes after the commit.
   */
  atomic<T>(work: () => T): Promise<T> {
    return this.write(() => this.inSavepoint(work) as T);
  }

  /** Resolves when everything executed on the connection so far is durable. */
  settled(): Promise<void> {
    if (this.open !== undefined) return this.open.done;
    if (this.syncing !== undefined) return this.syncing.done;
    return Promise.resolve();
  }

  /**
   * For a read whose answer leaves the process: resolves once what it read is durable; in a
   * deferred scope at once, the scope's end waiting for it instead.
   */
  async observed(): Promise<void> {
    const scope = this.scopes.getStore();
    const pending = this.open?.done ?? this.syncing?.done;
    if (pending === undefined) return;
    if (scope !== undefined) scope.last = pending;
    else await pending;
  }

  /**
   * Runs `work` with its writes deferred (see the class comment) and resolves with its result
   * once every write it made, and every state it observed, is durable. When that commit
   * fails, rejects with its error whatever `work` answered: nothing may be acknowledged.
   */
  deferred<T>(work: () => Promise<T>): Promise<T> {
    return this.scoped(work).durable;
  }

  /**
   * `deferred`, in two steps: `ran` settles as soon as `work` has run (its writes made, not yet
   * durable), `durable` once they are. An MLLP connection starts its next frame on `ran` and
   * acknowledges this one on `durable`: frames are handled in order, their syncs overlap.
   */
  scoped<T>(work: () => Promise<T>): { ran: Promise<T>; durable: Promise<T> } {
    const scope: Scope = { last: undefined, run: 0 };
    const ran = this.scopes.run(scope, work);
    const durable = ran.then(
      async (result) => {
        await scope.last;
        return result;
      },
      async (err: unknown) => {
        await scope.last;
        throw err;
      },
    );
    // Either may be the only one awaited: neither surfaces as an unhandled rejection.
    ran.catch(() => undefined);
    durable.catch(() => undefined);
    return { ran, durable };
  }

  /** Runs `work` outside any deferred scope (work a request only starts, such as staging). */
  detached<T>(work: () => T): T {
    return this.scopes.exit(work);
  }

  private begin(): Batch {
    if (this.open === undefined) {
      // IMMEDIATE: the write lock from the start, so a read at the start of the transaction
      // can never make a later write of it fail against another process's commit.
      this.db.exec('BEGIN IMMEDIATE');
      this.open = newBatch();
    }
    if (this.syncing === undefined && !this.scheduled) {
      this.scheduled = true;
      // After the I/O callbacks of this loop turn: every request that is already readable
      // joins this batch.
      setImmediate(() => this.flush());
    }
    return this.open;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.open;
    if (batch === undefined || this.syncing !== undefined) return;
    this.open = undefined;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      batch.reject(err);
      return;
    }
    this.stats.commits++;
    this.syncing = batch;
    const started = performance.now();
    this.syncWal().then(
      () => this.synced(batch, started),
      (err: unknown) => this.synced(batch, started, err),
    );
  }

  private synced(batch: Batch, started: number, err?: unknown): void {
    this.syncing = undefined;
    this.stats.syncMs += performance.now() - started;
    if (err === undefined) {
      this.stats.syncs++;
      batch.resolve();
      this.checkpointWhenLarge();
    } else batch.reject(err);
    // Writes that came during the sync: their transaction is committed now.
    if (this.open !== undefined) this.flush();
  }

  /** Asks the checkpointer thread for a checkpoint once the WAL has grown past CHECKPOINT_BYTES. */
  private checkpointWhenLarge(): void {
    if (!this.checkpoints || this.walFd === undefined || fstatSync(this.walFd).size < CHECKPOINT_BYTES) return;
    this.checkpointer ??= createCheckpointer(this.db.name, () => {
      // No thread: SQLite checkpoints in its COMMITs again, as it does by default.
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
    this.checkpointer.request();
  }

  private async syncWal(): Promise<void> {
    if (this.wal === undefined) return;

    // The WAL stays the same file while this connection is open; reopen if it was replaced.
    if (this.walFd !== undefined && fstatSync(this.walFd).nlink === 0) this.closeWal();
    this.walFd ??= openSync(this.wal, 'r+');
    await this.syncFile(this.walFd);
  }

  private closeWal(): void {
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  /** Waits for the writes in flight, then releases the WAL file (before the connection closes). */
  async close(): Promise<void> {
    while (this.open !== undefined || this.syncing !== undefined) await this.settled().catch(() => undefined);
    await this.checkpointer?.close();
    this.closeWal();
    await this.thread?.close();
  }
}

const groups = new WeakMap<Database.Database, GroupCommit>();

/** The one group commit of a connection, shared by every adapter that writes through it. */
export function groupCommitOf(db: Database.Database): GroupCommit {
  let group = groups.get(db);
  if (group === undefined) {
    group = new GroupCommit(db);
    groups.set(db, group);
  }
  return group;
}
