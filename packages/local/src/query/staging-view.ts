import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { errorText, firstLine, QueryError } from './errors';
import type { StagingFile } from './fields-load';
import type { CompactionManifest } from './manifest';
import { ident, lit, stagingJsonGlob, stagingParquetGlob, zoneFile } from './paths';
import type { SqlShape } from '@hcdl/hl7v2';
import { duckdbType, typedColumns, typedJson } from './typed';

/**
 * The `staging` view: one row per staging JSON document, with `message_id` (from the file
 * name), the partitions `source`, `type` and `dt` (DATE), `_meta` and `msh` typed (STRUCTs
 * with VARCHAR leaves, see typed.ts), then one JSON column per other top-level key of the
 * documents (`pid`, `obx`, ... and Z-segments).
 *
 * Why the other segments stay JSON: typed from the dictionary they are structs of thousands
 * of leaves (ADT_A01 over every version: 16,700), which DuckDB builds for every row it reads
 * (a lab query unnesting typed OBX took 48 s on 50,000 ORU messages, 0.7 s on JSON) and
 * cannot write to Parquet within 4 GB; docs/adr/0010-typed-sql.md has the measures. The
 * long `fields` view gives every value as text at its HL7 position instead.
 */

/** Hive partitions of the staging keys, typed so a source like `2024` stays text. */
const HIVE_JSON = "hive_partitioning = true, hive_types = {'source': 'VARCHAR', 'type': 'VARCHAR', 'dt': 'DATE'}";

/** Hive partitions of the compacted copies (`dt` is a column inside their files). */
export const HIVE_PARQUET = "hive_partitioning = true, hive_types = {'source': 'VARCHAR', 'type': 'VARCHAR'}";

/**
 * Largest staging document DuckDB will read: its default, 16 MB, is less than the staging
 * JSON of a message near the 10 MB body limit (an embedded document in OBX-5). DuckDB
 * allocates twice this per reading thread, so it is not raised further than needed.
 */
const MAX_OBJECT = 'maximum_object_size = 67108864';

/** Key columns first, in this order, in every variant of the view. */
const KEYS = ['message_id', 'source', 'type', 'dt'] as const;

/** JSON columns of the view over a lake with no staging data yet, so common queries bind and return no rows. */
const EMPTY_SEGMENTS = ['evn', 'pid', 'pd1', 'nk1', 'pv1', 'pv2', 'mrg', 'orc', 'obr', 'obx', 'nte', 'dg1', 'al1', 'in1', 'spm'];

/** How the `staging` view was built for this session. */
export interface StagingViewInfo {
  mode: 'empty' | 'json' | 'parquet' | 'parquet+json';
  /** Staging JSON files read besides the Parquet generation (staged after the compaction). */
  freshFiles: number;
  generation?: string;
}

/** A message staged since the compaction's catalog snapshot: its document and partitions. */
export type FreshDocument = StagingFile;

/** `staging/source=<s>/protocol=hl7v2/format=json/type=<t>/dt=<d>/<id>.json` (packages/lake/src/zones.ts). */
const STAGING_KEY = /^staging\/source=([^/]+)\/protocol=hl7v2\/format=json\/type=([^/]+)\/dt=([^/]+)\/[0-9A-Za-z]{26}\.json$/;

const isNoFiles = (err: unknown): boolean => /No files found/i.test(errorText(err));

const fileList = (files: readonly string[]): string => (files.length === 1 ? lit(files[0] as string) : `[${files.map(lit).join(', ')}]`);

/** Top-level keys of the JSON values in column `json` of a FROM item, in document order (`_meta`, `msh`, then segments by first position). */
const keysSql = (from: string): string =>
  `SELECT k FROM (SELECT unnest(keys) AS k, unnest(range(1, len(keys) + 1)) AS pos FROM (SELECT json_keys(json) AS keys FROM ${from})) GROUP BY k ORDER BY min(pos), k`;

const MESSAGE_ID = `regexp_extract(filename, '([0-9A-Za-z]{26})\\.json$', 1) AS message_id`;

/**
 * Top-level keys of the JSON documents, every file's and not a sample. json_keys over
 * read_json_objects is about 2.5 times faster than DESCRIBE with union_by_name, which binds
 * every file on its own.
 */
async function jsonKeys(con: DuckDBConnection, files: string): Promise<string[] | undefined> {
  try {
    const reader = await con.runAndReadAll(keysSql(`read_json_objects(${files}, format = 'auto', ${MAX_OBJECT})`));
    return reader.getRowsJson().map((r) => String(r[0]));
  } catch (err) {
    if (isNoFiles(err)) return undefined;
    throw new QueryError(`cannot read the staging zone: ${firstLine(err)}`, { cause: err });
  }
}

/** The typed columns (`_meta`, `msh`) as select items, from JSON columns or NULL when absent. */
function typedItems(typed: ReadonlyMap<string, SqlShape>, keys: readonly string[]): string[] {
  return [...typed].map(([name, shape]) =>
    keys.includes(name) ? `${typedJson(ident(name), shape)} AS ${ident(name)}` : `NULL::${duckdbType(shape)} AS ${ident(name)}`,
  );
}

/** A SELECT reading staging JSON files as they are: message id, partitions, every key a JSON column. */
export function rawJsonSelect(files: string, keys: readonly string[]): string {
  const read = keys.filter((k) => !(KEYS as readonly string[]).includes(k));
  const columns = `{${read.map((k) => `${lit(k)}: 'JSON'`).join(', ')}}`;
  const items = [MESSAGE_ID, 'source', '"type"', 'dt', ...read.map(ident)];
  return `SELECT ${items.join(', ')} FROM read_json(${files}, format = 'auto', columns = ${columns}, ${HIVE_JSON}, filename = true, ${MAX_OBJECT})`;
}

/** The view's columns (`_meta` and `msh` typed) over a relation with rawJsonSelect's columns. */
export function typedSelect(from: string, keys: readonly string[], typed: ReadonlyMap<string, SqlShape> = typedColumns()): string {
  const segments = keys.filter((k) => !(KEYS as readonly string[]).includes(k) && !typed.has(k));
  return `SELECT ${['message_id', 'source', '"type"', 'dt', ...typedItems(typed, keys), ...segments.map(ident)].join(', ')} FROM ${from}`;
}

/** A SELECT over staging JSON files with the view's columns. */
function jsonSelect(files: string, keys: readonly string[], typed: ReadonlyMap<string, SqlShape> = typedColumns()): string {
  return typedSelect(`(${rawJsonSelect(files, keys)})`, keys, typed);
}

/** Defines the view over every staging JSON document (every file is read once to find the keys); false when there is none. */
async function defineStagingJson(con: DuckDBConnection, dataDir: string): Promise<boolean> {
  const files = lit(stagingJsonGlob(dataDir));
  const keys = await jsonKeys(con, files);
  if (keys === undefined) return false;
  await con.run(`CREATE VIEW staging AS ${jsonSelect(files, keys)}`);
  return true;
}

/** The view over a lake with no staging data: its usual columns, no rows. */
async function defineEmpty(con: DuckDBConnection): Promise<void> {
  const empty = [
    'NULL::VARCHAR AS message_id',
    'NULL::VARCHAR AS source',
    'NULL::VARCHAR AS "type"',
    'NULL::DATE AS dt',
    ...typedItems(typedColumns(), []),
    ...EMPTY_SEGMENTS.map((s) => `NULL::JSON AS ${ident(s)}`),
  ];
  await con.run(`CREATE VIEW staging AS SELECT ${empty.join(', ')} WHERE false`);
}

/** The fresh documents that are in the zone (a row whose file is gone has nothing to show). */
export function freshDocuments(dataDir: string, staged: readonly { messageId: string; stagingKey: string }[]): FreshDocument[] {
  const out: FreshDocument[] = [];
  for (const m of staged) {
    const parts = STAGING_KEY.exec(m.stagingKey);
    const file = zoneFile(dataDir, m.stagingKey);
    if (parts !== null && existsSync(file))
      out.push({ file, messageId: m.messageId, source: parts[1] as string, type: parts[2] as string, dt: parts[3] as string });
  }
  return out;
}

/** `message_id NOT IN (...)`, or nothing when the list is empty. */
export const notFresh = (fresh: readonly FreshDocument[]): string =>
  fresh.length === 0 ? '' : ` WHERE message_id NOT IN (${fresh.map((d) => lit(d.messageId)).join(', ')})`;

/**
 * Creates the `staging` view: over the Parquet generation, with the documents staged since
 * its catalog snapshot read from JSON in place of any copy the generation has, when the lake
 * is compacted; over all staging JSON otherwise; an empty view (no rows, usual columns) when
 * the lake has no staging data.
 */
export async function defineStagingView(
  con: DuckDBConnection,
  dataDir: string,
  manifest: CompactionManifest | undefined,
  fresh: readonly FreshDocument[],
): Promise<StagingViewInfo> {
  if (manifest !== undefined) {
    const keys = KEYS.map(ident).join(', ');
    // Every file of a generation has the same columns (written from one list of keys): no union_by_name.
    const fromParquet = `SELECT ${keys}, * EXCLUDE (${keys}) FROM read_parquet(${lit(stagingParquetGlob(dataDir, manifest.generation))}, ${HIVE_PARQUET})`;
    try {
      const freshKeys = fresh.length > 0 ? await jsonKeys(con, fileList(fresh.map((d) => d.file))) : undefined;
      const sql =
        freshKeys === undefined
          ? fromParquet
          : `${fromParquet}${notFresh(fresh)} UNION ALL BY NAME ${jsonSelect(fileList(fresh.map((d) => d.file)), freshKeys, typedColumns(manifest.typed))}`;
      await con.run(`CREATE VIEW staging AS ${sql}`);
      return {
        mode: freshKeys === undefined ? 'parquet' : 'parquet+json',
        freshFiles: freshKeys === undefined ? 0 : fresh.length,
        generation: manifest.generation,
      };
    } catch (err) {
      if (err instanceof QueryError) throw err;
      throw new QueryError(`cannot read the compacted staging zone (generation ${manifest.generation}): ${firstLine(err)}; run \`hcdl compact\` again`, {
        cause: err,
      });
    }
  }
  if (await defineStagingJson(con, dataDir)) return { mode: 'json', freshFiles: 0 };
  await defineEmpty(con);
  return { mode: 'empty', freshFiles: 0 };
}
