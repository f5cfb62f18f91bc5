import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import Database from 'better-sqlite3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CATALOG_VIEW_COLUMNS, type CatalogView } from '@hcdl/lake';
import { firstLine, LakeNotFoundError, QueryError } from './errors';
import { catalogFile, ident, lit } from './paths';

/** A view column: its SQL name, the key of the catalog record (JSON document) and its DuckDB type. */
type Column = readonly [name: string, key: string, type: string];

export interface TableSpec {
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
  patient_conflicts: { sqlite: 'patient_conflicts', columns: columnsOf('patient_conflicts') },
};

export const CATALOG_VIEWS = Object.keys(CATALOG_TABLES) as CatalogView[];

/** `col TYPE, ...` of a table. */
export const tableDdl = (spec: TableSpec): string => spec.columns.map(([col, , type]) => `${ident(col)} ${type}`).join(', ');

/** read_json's `columns` argument: the record's keys with their types. */
export const jsonColumns = (spec: TableSpec): string => `{${spec.columns.map(([, key, type]) => `${lit(key)}: ${lit(type)}`).join(', ')}}`;

/** The view columns selected from rows keyed by the record's keys. */
export const selectColumns = (spec: TableSpec, prefix = ''): string => spec.columns.map(([col, key]) => `${prefix}${ident(key)} AS ${ident(col)}`).join(', ');

/** The public view over a `catalog_<name>` relation: its columns plus the derived ones. */
export async function definePublicView(con: DuckDBConnection, name: CatalogView): Promise<void> {
  const derived = (CATALOG_TABLES[name].derived ?? []).map(([col, expr]) => `, ${expr} AS ${ident(col)}`).join('');
  await con.run(`CREATE OR REPLACE VIEW ${ident(name)} AS SELECT *${derived} FROM ${ident(`catalog_${name}`)}`);
}

/** Names of the SQLite tables that exist in the catalog file (an old file may lack some). */
export function sqliteTables(db: Database.Database): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/**
 * The lake's SQLite catalog, read-only. A data folder without one is not a lake: querying it
 * would answer every question with no rows, so it is refused (LakeNotFoundError).
 */
export function openCatalog(dataDir: string): Database.Database {
  const file = catalogFile(dataDir);
  if (!existsSync(file)) throw new LakeNotFoundError(dataDir);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new QueryError(`cannot open the catalog ${file}: ${firstLine(err)}`, { cause: err });
  }
  try {
    if (!sqliteTables(db).has('messages')) throw new LakeNotFoundError(dataDir, 'catalog.db has no messages table');
  } catch (err) {
    db.close();
    if (err instanceof QueryError) throw err;
    throw new QueryError(`cannot read the catalog ${file}: ${firstLine(err)}`, { cause: err });
  }
  return db;
}

/** Writes JSON documents one per line, in chunks (a big catalog would not fit in one string). Returns how many. */
export async function writeNdjson(docs: Iterable<string>, file: string): Promise<number> {
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

/** `SELECT <view columns> FROM read_json(<ndjson file>)` with the table's explicit schema. */
export const ndjsonSelect = (spec: TableSpec, file: string): string =>
  `SELECT ${selectColumns(spec)} FROM read_json(${lit(file)}, format = 'newline_delimited', columns = ${jsonColumns(spec)})`;

/**
 * Rows given as JSON documents into an existing table, a few thousand per statement: from_json
 * parses one string, so small change sets need no temporary file.
 */
export async function insertDocs(con: DuckDBConnection, table: string, spec: TableSpec, docs: readonly string[]): Promise<void> {
  const record = Object.fromEntries(spec.columns.map(([, key, type]) => [key, type.endsWith('[]') ? [type.slice(0, -2)] : type]));
  const structure = lit(JSON.stringify([record]));
  const insert = await con.prepare(
    `INSERT INTO ${ident(table)} SELECT ${selectColumns(spec, 'r.')} FROM (SELECT unnest(from_json($1::JSON, ${structure})) AS r)`,
  );
  for (let i = 0; i < docs.length; i += 2000) {
    insert.bindVarchar(1, `[${docs.slice(i, i + 2000).join(',')}]`);
    await insert.run();
  }
}
