import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type GroupCommit, groupCommitOf } from './group-commit';
import { InProcessHub, type InProcessHubOptions } from './in-process-hub';
import { LakeObjectStore } from './lake-object-store';
import { SqliteAuditTrail } from './sqlite-audit-trail';
import { SqliteCatalog } from './sqlite-catalog';
import { SqlitePersistenceLayer } from './sqlite-persistence-layer';

export interface LocalAdapters {
  objectStore: LakeObjectStore;
  catalog: SqliteCatalog;
  hub: InProcessHub;
  idempotencyStore: SqlitePersistenceLayer;
  /** The group commit every write of the SQLite file goes through (a request defers its durability wait with it). */
  group: GroupCommit;
  /** The audit trail, append-only, in the same file and group commit (docs/adr/0016). */
  audit: SqliteAuditTrail;
  /** The SQLite connection (the health check writes a probe row through it). */
  db: Database.Database;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Opens SQLite for durable single-node use: WAL, a busy timeout, and synchronous=NORMAL
 * because the adapters write through the connection's group commit (./group-commit.ts),
 * which syncs the WAL itself after each commit, off the event loop, once per batch.
 */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Statement journals (each savepoint's undo pages) in memory, not in temp files: a savepoint
  // per message otherwise costs file writes the WAL sync never needed.
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * A read-only connection to a database file another connection of the process writes (in WAL
 * mode it reads what was committed, never waiting for the writer): the refined stage's thread
 * reads the catalog through one, so that nothing it does can ever take the catalog's write
 * lock (ADR 0018). A write through it throws SQLITE_READONLY.
 */
export function openReadOnlyDatabase(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** The connections of this process, per database file, with how many users each has. */
const shared = new Map<string, { db: Database.Database; users: number }>();

/**
 * The process's one connection to a database file, opened on first use (openDatabase). The
 * group commit keeps a transaction open between event-loop turns, so a second connection of
 * the same process could only wait for it synchronously, blocking the very loop that would
 * commit it: every user in a process (two lakes on one folder, `hcdl replay` beside a lake)
 * shares one connection. Other processes wait on SQLite's lock as before.
 */
export function acquireDatabase(file: string): Database.Database {
  const key = path.resolve(file);
  const entry = shared.get(key);
  if (entry !== undefined && entry.db.open) {
    entry.users++;
    return entry.db;
  }
  const db = openDatabase(key);
  shared.set(key, { db, users: 1 });
  return db;
}

/** Gives a connection of acquireDatabase back; the last user's release commits what is pending and closes it. */
export async function releaseDatabase(db: Database.Database): Promise<void> {
  const key = path.resolve(db.name);
  const entry = shared.get(key);
  if (entry !== undefined && entry.db === db && --entry.users > 0) return;
  if (entry?.db === db) shared.delete(key);
  await groupCommitOf(db).close();
  if (db.open) db.close();
}

/**
 * The embedded adapters over one data folder, all on one SQLite file (`<dataDir>/catalog.db`)
 * and its group commit: the catalog, the idempotency records, and the objects table that
 * holds raw messages, the error zone and the attributes of every object (ADR 0009); the
 * bodies of the other zones (staging) are files under `<dataDir>/zones/`.
 */
export function createLocalAdapters(options: { dataDir: string; hub?: InProcessHubOptions }): LocalAdapters {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.join(dataDir, 'zones'), { recursive: true });
  const db = acquireDatabase(path.join(dataDir, 'catalog.db'));
  const hub = new InProcessHub(options.hub);
  const objectStore = new LakeObjectStore(db, path.join(dataDir, 'zones'));
  return {
    objectStore,
    catalog: new SqliteCatalog(db),
    hub,
    idempotencyStore: new SqlitePersistenceLayer(db),
    group: groupCommitOf(db),
    audit: new SqliteAuditTrail(db),
    db,
    dataDir,
    async close() {
      await hub.close();
      await objectStore.close();
      await releaseDatabase(db);
    },
  };
}
