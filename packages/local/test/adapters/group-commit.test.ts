import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { GroupCommit, type SyncFile } from '../../src/adapters/group-commit';
import { openDatabase } from '../../src/adapters/local-adapters';

/** A sync the test releases by hand: it shows what waits for the disk and how often the disk is asked. */
function heldSync(): { sync: SyncFile; calls: number; release(): void; fail(err: Error): void; started(): Promise<void> } {
  const pending: { resolve(): void; reject(err: Error): void }[] = [];
  let waiter: (() => void) | undefined;
  const h = {
    calls: 0,
    sync: (() => {
      h.calls++;
      waiter?.();
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    }) as SyncFile,
    release: () => pending.shift()?.resolve(),
    fail: (err: Error) => pending.shift()?.reject(err),
    /** Resolves once a sync has been asked for and not yet released. */
    started: () => (pending.length > 0 ? Promise.resolve() : new Promise<void>((r) => (waiter = r))),
  };
  return h;
}

/** Whether a promise has settled (after every callback already due has run). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('GroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  let held: ReturnType<typeof heldSync>;
  let group: GroupCommit;
  const insert = (v: string) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
  const count = (): number => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-group-commit-'));
    db = openDatabase(path.join(dir, 'catalog.db'));
    db.exec('CREATE TABLE t (v TEXT UNIQUE)');
    held = heldSync();
    group = new GroupCommit(db, held.sync);
  });

  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves a write only after the sync of the commit that holds it', async () => {
    const w = group.write(insert('a'));
    await held.started();
    expect(await settled(w)).toBe(false);
    held.release();
    await w;
    expect(held.calls).toBe(1);
    expect(count()).toBe(1);
  });

  it('commits the writes that come during a sync together, with one more sync', async () => {
    const first = group.write(insert('first'));
    await held.started();
    const more = Array.from({ length: 40 }, (_, i) => group.write(insert(`v${i}`)));
    expect(await settled(Promise.race(more))).toBe(false);
    held.release();
    await first;
    await held.started();
    expect(await settled(Promise.race(more))).toBe(false);
    held.release();
    await Promise.all(more);
    expect(held.calls).toBe(2);
    expect(group.stats).toMatchObject({ writes: 41, commits: 2, syncs: 2 });
    expect(count()).toBe(41);
  });

  it('reports a failed statement after the commit, and keeps the other writes of the batch', async () => {
    await Promise.all([group.write(insert('x')), held.started().then(() => held.release())]);
    const dup = group.write(insert('x'));
    const ok = group.write(insert('y'));
    await held.started();
    expect(await settled(dup)).toBe(false);
    held.release();
    await expect(dup).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    await ok;
    expect(count()).toBe(2);
  });

  it('fails every write of a batch whose sync fails', async () => {
    const a = group.write(insert('a'));
    const b = group.write(insert('b'));
    await held.started();
    held.fail(new Error('EIO'));
    await expect(a).rejects.toThrow('EIO');
    await expect(b).rejects.toThrow('EIO');
  });

  it('in a deferred scope, resolves each write at once and the scope after the sync', async () => {
    let inside = 0;
    const scope = group.deferred(async () => {
      for (let i = 0; i < 100; i++) {
        await group.write(insert(`s${i}`));
        inside++;
      }
      return 'done';
    });
    await held.started();
    // Every write of the scope runs while the first sync is still held: none waits for the disk.
    while (inside < 100) await new Promise((r) => setImmediate(r));
    expect(held.calls).toBe(1);
    expect(await settled(scope)).toBe(false);
    while (!(await settled(scope))) held.release();
    await expect(scope).resolves.toBe('done');
    expect(count()).toBe(100);
  });

  it('fails a deferred scope whose commit fails, whatever its work answered', async () => {
    const scope = group.deferred(async () => {
      await group.write(insert('a'));
      return 'stored';
    });
    await held.started();
    held.fail(new Error('EIO'));
    await expect(scope).rejects.toThrow('EIO');
  });

  it('makes a read that leaves the process wait for what it read to be durable', async () => {
    const w = group.write(insert('a'));
    await held.started();
    const read = group.observed();
    expect(await settled(read)).toBe(false);
    held.release();
    await Promise.all([w, read]);
    // Nothing pending: an observed read does not wait.
    expect(await settled(group.observed())).toBe(true);
  });

  it('runs detached work outside the deferred scope: its writes wait for the disk', async () => {
    let detachedWrite: Promise<unknown> | undefined;
    const scope = group.deferred(async () => {
      detachedWrite = group.detached(() => group.write(insert('d')));
    });
    await held.started();
    expect(await settled(detachedWrite as Promise<unknown>)).toBe(false);
    held.release();
    await Promise.all([scope, detachedWrite]);
  });
});

describe('GroupCommit checkpoints', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-group-checkpoint-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("checkpoints the WAL on a thread of its own instead of in a COMMIT on the event loop, and SQLite then reuses the WAL's space", async () => {
    const file = path.join(dir, 'catalog.db');
    const db = openDatabase(file);
    db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, v BLOB)');
    const group = new GroupCommit(db);
    // The COMMITs of this connection never checkpoint.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const wal = `${file}-wal`;
    const row = Buffer.alloc(512 * 1024, 7);
    let n = 0;
    const write = () => group.write(() => db.prepare('INSERT INTO t (n, v) VALUES (?, ?)').run(++n, row));
    // Past 4 MB of WAL the thread is asked for a checkpoint: wait until it has run one (observed progress).
    while (statSync(wal).size < 4 * 1024 * 1024) await write();
    await write();
    while (group.stats.checkpoints === 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
    // A complete checkpoint lets the next transaction write the WAL from its start: it stops growing.
    const size = statSync(wal).size;
    for (let i = 0; i < 4; i++) await write();
    expect(statSync(wal).size).toBeLessThanOrEqual(size);
    // Every row is there, for this connection and for another one (read from the database file and the WAL).
    expect((db.prepare('SELECT count(*) AS c FROM t').get() as { c: number }).c).toBe(n);
    const other = openDatabase(file);
    expect((other.prepare('SELECT count(*) AS c, sum(length(v)) AS bytes FROM t').get() as { c: number; bytes: number }).c).toBe(n);
    other.close();
    await group.close();
    db.close();
  });

  it('leaves an in-memory database to SQLite (nothing to checkpoint)', async () => {
    const db = openDatabase(':memory:');
    const group = new GroupCommit(db);
    db.exec('CREATE TABLE t (v TEXT)');
    await group.write(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('a'));
    expect(group.stats.checkpoints).toBe(0);
    await group.close();
    db.close();
  });
});
