import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type GroupCommit, groupCommitOf } from './group-commit';
import { InProcessHub, type InProcessHubOptions } from './in-process-hub';
import { LakeObjectStore } from './lake-object-store';
import { SqliteCatalog } from './sqlite-catalog';
import { SqlitePersistenceLayer } from './sqlite-persistence-layer';

export interface LocalAdapters {
  objectStore: LakeObjectStore;
  catalog: SqliteCatalog;
  hub: InProcessHub;
  idempotencyStore: SqlitePersistenceLayer;
  /** The group commit every write of the SQLite file goes through (a request defers its durability wait with it). */
  group: GroupCommit;
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
  return db;
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
  const db = openDatabase(path.join(dataDir, 'catalog.db'));
  const hub = new InProcessHub(options.hub);
  return {
    objectStore: new LakeObjectStore(db, path.join(dataDir, 'zones')),
    catalog: new SqliteCatalog(db),
    hub,
    idempotencyStore: new SqlitePersistenceLayer(db),
    group: groupCommitOf(db),
    dataDir,
    async close() {
      await hub.close();
      await groupCommitOf(db).close();
      db.close();
    },
  };
}
