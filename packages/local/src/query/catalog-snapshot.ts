/**
 * The catalog snapshot that compaction writes beside the staging copy, and how a query reads
 * it: the snapshot's Parquet plus the rows the SQLite catalog changed since, so opening the
 * engine costs what changed since the last compaction, not the size of the lake.
 *
 * What changed since is found with the catalog's own rules (packages/local/src/adapters/
 * sqlite-catalog.ts; the updates of packages/core: outcomes, error zone, replay): errors,
 * patient identifiers, links and merges are only ever inserted, so their new rows are those
 * with a rowid above the snapshot's; a message row is updated only from `ingested` or `error`
 * (every update names the status it expects; a `staged` message is final), so the message
 * rows to read again are the new ones and those that were not `staged` in the snapshot.
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogView, MessageRecord } from '@hcdl/lake';
import { CATALOG_TABLES, CATALOG_VIEWS, definePublicView, insertDocs, ndjsonSelect, sqliteTables, tableDdl, writeNdjson } from './catalog-tables';
import type { CatalogSnapshotTable, CompactionManifest } from './manifest';
import { catalogParquetFile, ident, lit } from './paths';

/** What the catalog changed since the snapshot, as the engine loaded it. */
export interface CatalogChanges {
  /** Rows read from SQLite per table (new or changed since the snapshot). */
  rows: Record<CatalogView, number>;
  /** Messages staged since the snapshot: their documents may be missing from the staging copy. */
  staged: { messageId: string; stagingKey: string }[];
}

/** Writes every table of the catalog to `<dir>/<table>.parquet` in one SQLite read transaction. */
export async function exportCatalog(
  con: DuckDBConnection,
  db: Database.Database,
  dataDir: string,
  generation: string,
): Promise<Record<CatalogView, CatalogSnapshotTable>> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'hcdl-compact-'));
  const out = {} as Record<CatalogView, CatalogSnapshotTable>;
  await mkdir(path.dirname(catalogParquetFile(dataDir, generation, 'messages')), { recursive: true });
  const present = sqliteTables(db);
  db.exec('BEGIN');
  try {
    for (const name of CATALOG_VIEWS) {
      const spec = CATALOG_TABLES[name];
      const file = lit(catalogParquetFile(dataDir, generation, name));
      const has = present.has(spec.sqlite);
      const maxRowid = has
        ? Number(
            db
              .prepare(`SELECT coalesce(max(rowid), 0) FROM ${ident(spec.sqlite)}`)
              .pluck()
              .get(),
          )
        : 0;
      const ndjson = path.join(tmp, `${name}.ndjson`);
      const rows = has
        ? await writeNdjson(
            db
              .prepare(`SELECT doc FROM ${ident(spec.sqlite)} WHERE rowid <= ?`)
              .pluck()
              .iterate(maxRowid) as IterableIterator<string>,
            ndjson,
          )
        : 0;
      const select =
        rows > 0
          ? ndjsonSelect(spec, ndjson)
          : `SELECT * FROM (SELECT ${spec.columns.map(([col, , type]) => `NULL::${type} AS ${ident(col)}`).join(', ')}) WHERE false`;
      await con.run(`COPY (${select}) TO ${file} (FORMAT parquet, COMPRESSION zstd)`);
      out[name] = { rows, maxRowid };
    }
  } finally {
    db.exec('COMMIT');
    await rm(tmp, { recursive: true, force: true });
  }
  return out;
}

const ID_CHUNK = 500;

/** Current documents of the message rows the snapshot holds as not yet `staged`. */
function unsettledMessages(db: Database.Database, ids: readonly string[]): string[] {
  const docs: string[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    docs.push(
      ...(db
        .prepare(`SELECT doc FROM messages WHERE message_id IN (${chunk.map(() => '?').join(',')})`)
        .pluck()
        .all(...chunk) as string[]),
    );
  }
  return docs;
}

/**
 * Defines `catalog_<name>` (and the public views) as the snapshot's Parquet with the rows
 * changed since replaced: a table `catalog_<name>_changes` when there are any. The SQLite
 * reads run in one read transaction, so they see one state of the catalog.
 */
export async function defineCatalogFromSnapshot(
  con: DuckDBConnection,
  db: Database.Database,
  dataDir: string,
  manifest: CompactionManifest,
): Promise<CatalogChanges> {
  const parquet = (name: CatalogView): string => `read_parquet(${lit(catalogParquetFile(dataDir, manifest.generation, name))})`;
  const unsettled = (await con.runAndReadAll(`SELECT message_id FROM ${parquet('messages')} WHERE status <> 'staged'`)).getRowsJson().map((r) => String(r[0]));
  const present = sqliteTables(db);
  const changed = {} as Record<CatalogView, string[]>;
  db.exec('BEGIN');
  try {
    for (const name of CATALOG_VIEWS) {
      const spec = CATALOG_TABLES[name];
      const since = manifest.catalog[name]?.maxRowid ?? 0;
      const docs = present.has(spec.sqlite)
        ? (db
            .prepare(`SELECT doc FROM ${ident(spec.sqlite)} WHERE rowid > ? ORDER BY rowid`)
            .pluck()
            .all(since) as string[])
        : [];
      changed[name] = name === 'messages' ? [...docs, ...unsettledMessages(db, unsettled)] : docs;
    }
  } finally {
    db.exec('COMMIT');
  }
  const rows = {} as Record<CatalogView, number>;
  for (const name of CATALOG_VIEWS) {
    const spec = CATALOG_TABLES[name];
    const docs = changed[name];
    rows[name] = docs.length;
    let sql = `SELECT ${spec.columns.map(([col]) => ident(col)).join(', ')} FROM ${parquet(name)}`;
    if (docs.length > 0) {
      const changes = `catalog_${name}_changes`;
      await con.run(`CREATE TABLE ${ident(changes)} (${tableDdl(spec)})`);
      await insertDocs(con, changes, spec, docs);
      // A message read again replaces its snapshot row; the other tables only grow.
      if (name === 'messages') sql += ` WHERE message_id NOT IN (SELECT message_id FROM ${ident(changes)})`;
      sql += ` UNION ALL SELECT * FROM ${ident(changes)}`;
    }
    await con.run(`CREATE VIEW ${ident(`catalog_${name}`)} AS ${sql}`);
    await definePublicView(con, name);
  }
  const staged = changed.messages
    .map((d) => JSON.parse(d) as MessageRecord)
    .filter((m) => m.status === 'staged' && m.stagingKey !== undefined)
    .map((m) => ({ messageId: m.messageId, stagingKey: m.stagingKey as string }));
  return { rows, staged };
}
