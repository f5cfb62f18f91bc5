import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CATALOG_VIEW_COLUMNS, type CatalogView } from '@hcdl/lake';
import { catalogFile, ident, lit } from './paths';

/** A view column: its SQL name, the key of the catalog record (JSON document) and its DuckDB type. */
type Column = readonly [name: string, key: string, type: string];

interface TableSpec {
  /** Table of the SQLite catalog whose `doc` column holds the record as JSON. */
  sqlite: string;
  columns: readonly Column[];
  /** Extra columns computed from the others (name, SQL expression). */
  derived?: readonly (readonly [string, string])[];
}

const columnsOf = (view: CatalogView): readonly Column[] => CATALOG_VIEW_COLUMNS[view].map((col): Column => [col.name, col.key, col.type]);

/**
 * The catalog tables the query side exposes, with snake_case columns. The columns are the
 * shared ones of @hcdl/lake (CATALOG_VIEW_COLUMNS, which the AWS catalog mirror writes for
 * Athena too); the SQLite catalog keeps each record as a JSON document (`doc`).
 */
export const CATALOG_TABLES: Record<CatalogView, TableSpec> = {
  messages: { sqlite: 'messages', columns: columnsOf('messages') },
  errors: { sqlite: 'errors', columns: columnsOf('errors') },
  patient_identifiers: {
    sqlite: 'patient_identifiers',
    columns: columnsOf('patient_identifiers'),
    // `authority#type#value`: the value may itself hold '#', so split on the first two only
    // (as splitIdentifier of @hcdl/lake does for the mirror's rows).
    derived: [
      ['authority', "split_part(identifier, '#', 1)"],
      ['identifier_type', "split_part(identifier, '#', 2)"],
      ['value', "substr(identifier, length(split_part(identifier, '#', 1)) + length(split_part(identifier, '#', 2)) + 3)"],
    ],
  },
  patient_links: { sqlite: 'patient_links', columns: columnsOf('patient_links') },
  patient_merges: { sqlite: 'patient_merges', columns: columnsOf('patient_merges') },
};

/** Names of the SQLite tables that exist in the catalog file (an old file may lack some). */
function sqliteTables(db: Database.Database): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** Writes JSON documents one per line, in chunks (a big catalog would not fit in one string). Returns how many. */
async function writeDocs(docs: IterableIterator<string>, file: string): Promise<number> {
  const out = await open(file, 'w');
  let n = 0;
  let chunk: string[] = [];
  try {
    for (const doc of docs) {
      chunk.push(doc);
      n++;
      if (chunk.length === 10_000) {
        await out.write(`${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
    if (chunk.length > 0) await out.write(`${chunk.join('\n')}\n`);
  } finally {
    await out.close();
  }
  return n;
}

/**
 * Copies the SQLite catalog into DuckDB tables, one per entry of CATALOG_TABLES. DuckDB's
 * sqlite extension is downloaded on first use, so instead each table's JSON documents are
 * written as NDJSON to a temp file (read-only SQLite connection, one statement) and read with
 * `read_json` and an explicit schema. A lake without a catalog yet gives empty tables.
 * Returns the number of rows loaded per table.
 */
export async function loadCatalogTables(con: DuckDBConnection, dataDir: string): Promise<Record<string, number>> {
  const file = catalogFile(dataDir);
  const db = existsSync(file) ? new Database(file, { readonly: true, fileMustExist: true }) : undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'hcdl-query-'));
  const counts: Record<string, number> = {};
  try {
    const present = db === undefined ? new Set<string>() : sqliteTables(db);
    for (const [name, spec] of Object.entries(CATALOG_TABLES)) {
      const ddl = spec.columns.map(([col, , type]) => `${ident(col)} ${type}`).join(', ');
      await con.run(`CREATE TABLE ${ident(`catalog_${name}`)} (${ddl})`);
      let rows = 0;
      if (db !== undefined && present.has(spec.sqlite)) {
        const ndjson = path.join(dir, `${name}.ndjson`);
        rows = await writeDocs(
          db
            .prepare(`SELECT doc FROM ${ident(spec.sqlite)}`)
            .pluck()
            .iterate() as IterableIterator<string>,
          ndjson,
        );
        if (rows > 0) {
          const columns = `{${spec.columns.map(([, key, type]) => `${lit(key)}: ${lit(type)}`).join(', ')}}`;
          const select = spec.columns.map(([col, key]) => `${ident(key)} AS ${ident(col)}`).join(', ');
          await con.run(
            `INSERT INTO ${ident(`catalog_${name}`)} SELECT ${select} FROM read_json(${lit(ndjson)}, format = 'newline_delimited', columns = ${columns})`,
          );
        }
      }
      const derived = (spec.derived ?? []).map(([col, expr]) => `, ${expr} AS ${ident(col)}`).join('');
      await con.run(`CREATE VIEW ${ident(name)} AS SELECT *${derived} FROM ${ident(`catalog_${name}`)}`);
      counts[name] = rows;
    }
  } finally {
    db?.close();
    await rm(dir, { recursive: true, force: true });
  }
  return counts;
}
