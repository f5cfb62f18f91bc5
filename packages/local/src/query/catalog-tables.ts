import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DuckDBConnection } from '@duckdb/node-api';
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

/**
 * The catalog tables the query side exposes, with snake_case columns. The SQLite catalog
 * keeps each record as a JSON document (`doc`), so these follow the records of
 * packages/lake/src/records.ts and patient-index/records.ts.
 */
export const CATALOG_TABLES: Record<string, TableSpec> = {
  messages: {
    sqlite: 'messages',
    columns: [
      ['message_id', 'messageId', 'VARCHAR'],
      ['source', 'source', 'VARCHAR'],
      ['status', 'status', 'VARCHAR'],
      ['received_at', 'receivedAt', 'TIMESTAMPTZ'],
      ['updated_at', 'updatedAt', 'TIMESTAMPTZ'],
      ['message_type', 'messageType', 'VARCHAR'],
      ['structure', 'structure', 'VARCHAR'],
      ['version', 'version', 'VARCHAR'],
      ['control_id', 'controlId', 'VARCHAR'],
      ['sending_application', 'sendingApplication', 'VARCHAR'],
      ['sending_facility', 'sendingFacility', 'VARCHAR'],
      ['patient_id', 'patientId', 'VARCHAR'],
      ['submitted_by', 'submittedBy', 'VARCHAR'],
      ['batch_id', 'batchId', 'VARCHAR'],
      ['batch_index', 'batchIndex', 'INTEGER'],
      ['attempts', 'attempts', 'INTEGER'],
      ['size', 'size', 'BIGINT'],
      ['content_hash', 'contentHash', 'VARCHAR'],
      ['raw_key', 'rawKey', 'VARCHAR'],
      ['staging_key', 'stagingKey', 'VARCHAR'],
      ['error_key', 'errorKey', 'VARCHAR'],
    ],
  },
  errors: {
    sqlite: 'errors',
    columns: [
      ['message_id', 'messageId', 'VARCHAR'],
      ['attempt', 'attempt', 'INTEGER'],
      ['stage', 'stage', 'VARCHAR'],
      ['severity', 'severity', 'VARCHAR'],
      ['code', 'code', 'VARCHAR'],
      ['message', 'message', 'VARCHAR'],
      ['location', 'location', 'VARCHAR'],
      ['line', 'line', 'INTEGER'],
      ['column', 'column', 'INTEGER'],
      ['at', 'at', 'TIMESTAMPTZ'],
    ],
  },
  patient_identifiers: {
    sqlite: 'patient_identifiers',
    columns: [
      ['identifier', 'identifier', 'VARCHAR'],
      ['patient_id', 'patientId', 'VARCHAR'],
      ['source', 'source', 'VARCHAR'],
      ['first_seen_message_id', 'firstSeenMessageId', 'VARCHAR'],
      ['first_seen_at', 'firstSeenAt', 'TIMESTAMPTZ'],
    ],
    // `authority#type#value`: the value may itself hold '#', so split on the first two only.
    derived: [
      ['authority', "split_part(identifier, '#', 1)"],
      ['identifier_type', "split_part(identifier, '#', 2)"],
      ['value', "substr(identifier, length(split_part(identifier, '#', 1)) + length(split_part(identifier, '#', 2)) + 3)"],
    ],
  },
  patient_links: {
    sqlite: 'patient_links',
    columns: [
      ['patient_id', 'patientId', 'VARCHAR'],
      ['linked_patient_id', 'linkedPatientId', 'VARCHAR'],
      ['message_id', 'messageId', 'VARCHAR'],
      ['source', 'source', 'VARCHAR'],
      ['at', 'at', 'TIMESTAMPTZ'],
    ],
  },
  patient_merges: {
    sqlite: 'patient_merges',
    columns: [
      ['merged_patient_id', 'mergedPatientId', 'VARCHAR'],
      ['survivor_patient_id', 'survivorPatientId', 'VARCHAR'],
      ['message_id', 'messageId', 'VARCHAR'],
      ['message_type', 'messageType', 'VARCHAR'],
      ['source', 'source', 'VARCHAR'],
      ['prior_identifiers', 'priorIdentifiers', 'VARCHAR[]'],
      ['at', 'at', 'TIMESTAMPTZ'],
    ],
  },
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
        rows = await writeDocs(db.prepare(`SELECT doc FROM ${ident(spec.sqlite)}`).pluck().iterate() as IterableIterator<string>, ndjson);
        if (rows > 0) {
          const columns = `{${spec.columns.map(([, key, type]) => `${lit(key)}: ${lit(type)}`).join(', ')}}`;
          const select = spec.columns.map(([col, key]) => `${ident(key)} AS ${ident(col)}`).join(', ');
          await con.run(`INSERT INTO ${ident(`catalog_${name}`)} SELECT ${select} FROM read_json(${lit(ndjson)}, format = 'newline_delimited', columns = ${columns})`);
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
