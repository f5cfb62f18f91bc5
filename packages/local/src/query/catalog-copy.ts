import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogView } from '@hcdl/lake';
import { CATALOG_TABLES, CATALOG_VIEWS, definePublicView, ndjsonSelect, sqliteTables, tableDdl, writeNdjson } from './catalog-tables';
import { ident } from './paths';

/**
 * The whole SQLite catalog copied into DuckDB tables `catalog_<name>`, for a lake that was
 * never compacted. DuckDB's sqlite extension is downloaded on first use, so each table's JSON
 * documents are written as NDJSON to a temp file (one read-only statement) and read with
 * `read_json` and an explicit schema. The cost grows with the lake (about 2 s for 100,000
 * messages); a compacted lake reads its catalog snapshot instead (catalog-snapshot.ts).
 * Returns the rows copied per table.
 */
export async function copyCatalog(con: DuckDBConnection, db: Database.Database): Promise<Record<CatalogView, number>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hcdl-query-'));
  const counts = {} as Record<CatalogView, number>;
  try {
    const present = sqliteTables(db);
    for (const name of CATALOG_VIEWS) {
      const spec = CATALOG_TABLES[name];
      await con.run(`CREATE TABLE ${ident(`catalog_${name}`)} (${tableDdl(spec)})`);
      let rows = 0;
      if (present.has(spec.sqlite)) {
        const ndjson = path.join(dir, `${name}.ndjson`);
        rows = await writeNdjson(
          db
            .prepare(`SELECT doc FROM ${ident(spec.sqlite)}`)
            .pluck()
            .iterate() as IterableIterator<string>,
          ndjson,
        );
        if (rows > 0) await con.run(`INSERT INTO ${ident(`catalog_${name}`)} ${ndjsonSelect(spec, ndjson)}`);
      }
      await definePublicView(con, name);
      counts[name] = rows;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return counts;
}
