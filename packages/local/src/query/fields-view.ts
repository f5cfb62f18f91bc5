import type { DuckDBConnection } from '@duckdb/node-api';
import { STAGING_LEAF_COLUMNS } from '@hcdl/hl7v2';
import { firstLine, QueryError } from './errors';
import { listStagingFiles, loadFields, type StagingFile } from './fields-load';
import type { CompactionManifest } from './manifest';
import { fieldsParquetGlob, ident, lit } from './paths';
import { notFresh, type FreshDocument } from './staging-view';

const HIVE_FIELDS = "hive_partitioning = true, hive_types = {'source': 'VARCHAR', 'type': 'VARCHAR', 'segment': 'VARCHAR'}";

/**
 * The `fields` view: one row per value of every staging document, at its HL7 position
 * (segment, seq, field, rep, component, sub; all 1-based), the value as text and the staging
 * JSON name of the place. A query on positions finds a value whatever HL7 version sent it,
 * which the names of staging JSON do not promise (CX-1 is `id` in 2.4, `id_number` in 2.5).
 */

export interface FieldsViewInfo {
  mode: 'empty' | 'json' | 'parquet' | 'parquet+json';
  /** Documents walked in this session (staged since the compaction, or all without one). */
  walkedFiles: number;
}

const COLUMNS = ['message_id', 'source', 'type', 'dt', ...STAGING_LEAF_COLUMNS.map((c) => c.name)];
const SELECT = COLUMNS.map((c) => (c === 'dt' ? 'CAST(dt AS DATE) AS dt' : ident(c))).join(', ');

/** Walks documents into the session table `fields_walked`. */
async function walk(con: DuckDBConnection, files: readonly StagingFile[]): Promise<void> {
  await loadFields(con, 'fields_walked', files);
}

export async function defineFieldsView(
  con: DuckDBConnection,
  dataDir: string,
  manifest: CompactionManifest | undefined,
  fresh: readonly FreshDocument[],
): Promise<FieldsViewInfo> {
  try {
    if (manifest !== undefined) {
      const fromParquet = `SELECT ${COLUMNS.map(ident).join(', ')} FROM read_parquet(${lit(fieldsParquetGlob(dataDir, manifest.generation))}, ${HIVE_FIELDS})`;
      if (manifest.fields === 0 && fresh.length === 0) return await defineEmpty(con);
      const parts: string[] = [];
      if (manifest.fields > 0) parts.push(`${fromParquet}${notFresh(fresh)}`);
      if (fresh.length > 0) {
        await walk(con, fresh);
        parts.push(`SELECT ${SELECT} FROM fields_walked`);
      }
      await con.run(`CREATE OR REPLACE VIEW ${ident('fields')} AS ${parts.join(' UNION ALL ')}`);
      return { mode: fresh.length > 0 ? 'parquet+json' : 'parquet', walkedFiles: fresh.length };
    }
    const files = listStagingFiles(dataDir);
    if (files.length === 0) return await defineEmpty(con);
    await walk(con, files);
    await con.run(`CREATE OR REPLACE VIEW ${ident('fields')} AS SELECT ${SELECT} FROM fields_walked`);
    return { mode: 'json', walkedFiles: files.length };
  } catch (err) {
    if (err instanceof QueryError) throw err;
    throw new QueryError(`cannot define the fields view: ${firstLine(err)}`, { cause: err });
  }
}

/** The view's columns and no rows: for SQL that lists views without naming this one. */
export async function defineFieldsColumns(con: DuckDBConnection): Promise<void> {
  await defineEmpty(con);
}

async function defineEmpty(con: DuckDBConnection): Promise<FieldsViewInfo> {
  const cols = COLUMNS.map((c) => {
    const leaf = STAGING_LEAF_COLUMNS.find((l) => l.name === c);
    const type = c === 'dt' ? 'DATE' : leaf?.kind === 'integer' ? 'INTEGER' : 'VARCHAR';
    return `NULL::${type} AS ${ident(c)}`;
  });
  await con.run(`CREATE OR REPLACE VIEW ${ident('fields')} AS SELECT ${cols.join(', ')} WHERE false`);
  return { mode: 'empty', walkedFiles: 0 };
}
