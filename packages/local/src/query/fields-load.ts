/**
 * Rows of the long `fields` view from staging JSON documents: every value with its HL7
 * position (visitStagingLeaves of @hcdl/hl7v2), appended to a DuckDB table. Compaction writes
 * them to Parquet once; a query only walks the documents staged since (or every document of
 * a lake never compacted, and only when the SQL names `fields`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { STAGING_LEAF_COLUMNS, visitStagingLeaves } from '@hcdl/hl7v2';
import { QueryError } from './errors';
import { ident, zonesDir } from './paths';

/** A staging document and its partitions. */
export interface StagingFile {
  file: string;
  messageId: string;
  source: string;
  type: string;
  dt: string;
}

const KEY_COLUMNS = ['message_id', 'source', 'type', 'dt'] as const;

const leafDdl = STAGING_LEAF_COLUMNS.map((c) => `${ident(c.name)} ${c.kind === 'integer' ? 'INTEGER' : 'VARCHAR'}`);

/** DDL of a table of `fields` rows: the message and its partitions (text), then the leaf columns. */
export const FIELDS_TABLE_DDL = [...KEY_COLUMNS.map((c) => `${ident(c)} VARCHAR`), ...leafDdl].join(', ');

/** The same without source and type, for rows of one source and type (compaction writes them per partition). */
export const PARTITION_FIELDS_DDL = ['"message_id" VARCHAR', '"dt" VARCHAR', ...leafDdl].join(', ');

const ID_FILE = /^[0-9A-Za-z]{26}\.json$/;

const dirs = (dir: string, prefix: string): string[] => {
  try {
    return readdirSync(dir).filter((d) => d.startsWith(prefix));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
};

/** Every staging document in the zone (the files stagingJsonGlob matches), by walking the folders. */
export function listStagingFiles(dataDir: string): StagingFile[] {
  const root = path.join(zonesDir(dataDir), 'staging');
  const out: StagingFile[] = [];
  for (const s of dirs(root, 'source=')) {
    const json = path.join(root, s, 'protocol=hl7v2', 'format=json');
    for (const t of dirs(json, 'type=')) {
      for (const d of dirs(path.join(json, t), 'dt=')) {
        const dir = path.join(json, t, d);
        for (const f of dirs(dir, '')) {
          if (ID_FILE.test(f)) out.push({ file: path.join(dir, f), messageId: f.slice(0, 26), source: s.slice(7), type: t.slice(5), dt: d.slice(3) });
        }
      }
    }
  }
  return out;
}

function appendText(app: DuckDBAppender, v: string | null): void {
  if (v === null) app.appendNull();
  else app.appendVarchar(v);
}

function appendInt(app: DuckDBAppender, v: number | null): void {
  if (v === null) app.appendNull();
  else app.appendInteger(v);
}

/**
 * Appends the rows of every document to `table` (created with FIELDS_TABLE_DDL, or with
 * PARTITION_FIELDS_DDL when `partitioned`: fewer values to append, the costly part). A
 * document that is gone (a race with a purge) is skipped; one that is not JSON fails the
 * load. Returns the rows appended.
 */
export async function appendFields(con: DuckDBConnection, table: string, files: Iterable<StagingFile>, partitioned = false): Promise<number> {
  const app = await con.createAppender(table);
  let rows = 0;
  try {
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f.file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new QueryError(`staging document of message ${f.messageId} is not JSON`, { cause: err });
      }
      visitStagingLeaves(doc, (segment, seq, field, rep, component, sub, value, name) => {
        app.appendVarchar(f.messageId);
        if (!partitioned) {
          app.appendVarchar(f.source);
          app.appendVarchar(f.type);
        }
        app.appendVarchar(f.dt);
        app.appendVarchar(segment);
        app.appendInteger(seq);
        appendInt(app, field);
        app.appendInteger(rep);
        appendInt(app, component);
        appendInt(app, sub);
        appendText(app, value);
        app.appendVarchar(name);
        app.endRow();
        rows++;
      });
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
  return rows;
}
