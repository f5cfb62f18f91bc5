import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FolderObjectStore } from './folder-object-store';
import { InProcessHub, type InProcessHubOptions } from './in-process-hub';
import { SqliteCatalog } from './sqlite-catalog';
import { SqlitePersistenceLayer } from './sqlite-persistence-layer';

export interface LocalAdapters {
  objectStore: FolderObjectStore;
  catalog: SqliteCatalog;
  hub: InProcessHub;
  idempotencyStore: SqlitePersistenceLayer;
  dataDir: string;
  close(): Promise<void>;
}

/** Opens SQLite for durable single-node use: WAL, synchronous=FULL, a busy timeout. */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * The embedded adapters over one data folder: objects under `<dataDir>/zones/`, catalog and
 * idempotency records in `<dataDir>/catalog.db` (separate tables of one SQLite file, so a
 * single fsync'd commit covers a catalog row).
 */
export function createLocalAdapters(options: { dataDir: string; hub?: InProcessHubOptions }): LocalAdapters {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(path.join(dataDir, 'zones'), { recursive: true });
  const db = openDatabase(path.join(dataDir, 'catalog.db'));
  const hub = new InProcessHub(options.hub);
  return {
    objectStore: new FolderObjectStore(path.join(dataDir, 'zones')),
    catalog: new SqliteCatalog(db),
    hub,
    idempotencyStore: new SqlitePersistenceLayer(db),
    dataDir,
    async close() {
      await hub.close();
      db.close();
    },
  };
}
