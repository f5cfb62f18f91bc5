import type Database from 'better-sqlite3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AUDIT_COLUMNS } from '@hcdl/lake';
import { insertDocs, sqliteTables, type TableSpec, tableDdl } from './catalog-tables';

/** The `audit` table of the SQLite file, with the view columns every deployment shares (AUDIT_COLUMNS). */
export const AUDIT_TABLE: TableSpec = { sqlite: 'audit', columns: AUDIT_COLUMNS.map((c) => [c.name, c.key, c.type] as const) };

/**
 * `audit`: the audit trail as SQL (docs/adr/0016), the same columns as the Athena table over
 * the AWS audit prefix. Copied from SQLite when a query names it (the engine is a snapshot
 * taken at open); a lake whose file has no trail yet has an empty view. Returns the rows copied.
 */
export async function defineAuditView(con: DuckDBConnection, db: Database.Database): Promise<number> {
  await con.run(`CREATE TABLE audit (${tableDdl(AUDIT_TABLE)})`);
  if (!sqliteTables(db).has(AUDIT_TABLE.sqlite)) return 0;
  const docs = db.prepare('SELECT doc FROM audit ORDER BY audit_id').pluck().all() as string[];
  if (docs.length > 0) await insertDocs(con, 'audit', AUDIT_TABLE, docs);
  return docs.length;
}
