import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { errorText, firstLine, QueryError } from './errors';
import { ident, lit, manifestFile, parquetGenerationGlob, stagingJsonGlob, zonesDir } from './paths';

/**
 * The `staging` view: one row per staging JSON document, with `message_id` (from the file
 * name), the partitions `source`, `type` and `dt` (DATE), then one column per top-level key
 * of the documents (`_meta`, `msh`, `pid`, ... and Z-segments) typed JSON.
 *
 * Why JSON and not inferred STRUCTs: a segment is an object in one structure and an array in
 * another (`pid` in ADT_A01 vs ORU_R01), fields are arrays from v2.5 on and objects before,
 * and the union of every structure's inferred STRUCT type is so wide that DuckDB needs
 * gigabytes to materialize a few hundred rows. JSON columns keep one stable schema whatever
 * the mix of message types, and DuckDB's JSON dot notation still reads them:
 * `msh.message_control_id`, `pid.patient_name`, `obx[0].observation_value`; `->>` gives text.
 */

/** Hive partitions of the staging keys, typed so a source like `2024` stays text. */
const HIVE = "hive_partitioning = true, hive_types = {'source': 'VARCHAR', 'type': 'VARCHAR', 'dt': 'DATE'}";

/**
 * Largest staging document DuckDB will read: its default, 16 MB, is less than the staging
 * JSON of a message near the 10 MB body limit (an embedded document in OBX-5). DuckDB
 * allocates twice this per reading thread, so it is not raised further than needed.
 */
const MAX_OBJECT = 'maximum_object_size = 67108864';

/** Key columns first, in this order, in every variant of the view. */
const KEYS = ['message_id', 'source', 'type', 'dt'] as const;

/** Columns of the view over a lake with no staging data yet, so common queries bind and return no rows. */
const EMPTY_SEGMENTS = ['_meta', 'msh', 'evn', 'pid', 'pd1', 'nk1', 'pv1', 'pv2', 'mrg', 'orc', 'obr', 'obx', 'nte', 'dg1', 'al1', 'in1', 'spm'];

/** The current Parquet generation, as written by compaction (see compact.ts). */
export interface CompactionManifest {
  generation: string;
  /** Instant the compaction started reading staging: later staging writes are not in it. */
  snapshotAt: string;
  compactedAt: string;
  messages: number;
  partitions: number;
}

/** How the `staging` view was built for this session. */
export interface StagingViewInfo {
  mode: 'empty' | 'json' | 'parquet' | 'parquet+json';
  /** Staging JSON files read besides the Parquet generation (written after the compaction). */
  freshFiles: number;
  generation?: string;
}

/** How long after the snapshot a staging write may still be committing (clock and commit lag). */
const FRESHNESS_MARGIN_MS = 60_000;

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

/** A SELECT over staging JSON files with the view's columns. */
function jsonSelect(files: string, keys: readonly string[]): string {
  const segments = keys.filter((k) => !(KEYS as readonly string[]).includes(k));
  const columns = `{${segments.map((k) => `${lit(k)}: 'JSON'`).join(', ')}}`;
  const picks = segments.map(ident).join(', ');
  return (
    `SELECT ${MESSAGE_ID}, source, "type", dt${picks ? `, ${picks}` : ''} ` +
    `FROM read_json(${files}, format = 'auto', columns = ${columns}, ${HIVE}, filename = true, ${MAX_OBJECT})`
  );
}

/** Defines `staging_json`, the view over every staging JSON document; false when there is none. */
export async function defineStagingJson(con: DuckDBConnection, dataDir: string, name = 'staging_json'): Promise<boolean> {
  const files = lit(stagingJsonGlob(dataDir));
  const keys = await jsonKeys(con, files);
  if (keys === undefined) return false;
  await con.run(`CREATE OR REPLACE VIEW ${ident(name)} AS ${jsonSelect(files, keys)}`);
  return true;
}

export async function readManifest(dataDir: string): Promise<CompactionManifest | undefined> {
  try {
    return JSON.parse(await readFile(manifestFile(dataDir), 'utf8')) as CompactionManifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new QueryError('the compaction manifest is unreadable; run `hcdl compact` again', { cause: err });
  }
}

/**
 * Staging files the Parquet generation does not hold: messages the catalog records as staged
 * since shortly before the snapshot (the `catalog_messages` table must be loaded) whose id is
 * not in the generation.
 */
async function freshFiles(con: DuckDBConnection, dataDir: string, manifest: CompactionManifest, parquet: string): Promise<string[]> {
  const since = new Date(Date.parse(manifest.snapshotAt) - FRESHNESS_MARGIN_MS).toISOString();
  const reader = await con.runAndReadAll(
    `SELECT staging_key FROM catalog_messages WHERE status = 'staged' AND staging_key IS NOT NULL AND updated_at >= ${lit(since)}::TIMESTAMPTZ ` +
      `AND message_id NOT IN (SELECT message_id FROM read_parquet(${parquet})) ORDER BY message_id`,
  );
  // Like the JSON view, only what is in the zone: a row whose file is gone has nothing to show.
  return reader
    .getRowsJson()
    .map((r) => path.join(zonesDir(dataDir), ...String(r[0]).split('/')))
    .filter((f) => existsSync(f));
}

/**
 * Creates the `staging` view: over the current Parquet generation plus the staging JSON
 * written after it when a compaction exists, over all staging JSON otherwise, and an empty
 * view (no rows, common columns) when the lake has no staging data.
 */
export async function defineStagingView(con: DuckDBConnection, dataDir: string): Promise<StagingViewInfo> {
  const manifest = await readManifest(dataDir);
  if (manifest !== undefined) {
    const parquet = lit(parquetGenerationGlob(dataDir, manifest.generation));
    const fromParquet = `SELECT ${KEYS.map(ident).join(', ')}, * EXCLUDE (${KEYS.map(ident).join(', ')}) FROM read_parquet(${parquet}, ${HIVE}, union_by_name = true)`;
    try {
      const fresh = await freshFiles(con, dataDir, manifest, parquet);
      const freshKeys = fresh.length > 0 ? await jsonKeys(con, fileList(fresh)) : undefined;
      const sql = freshKeys === undefined ? fromParquet : `${fromParquet} UNION ALL BY NAME ${jsonSelect(fileList(fresh), freshKeys)}`;
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
  if (await defineStagingJson(con, dataDir, 'staging')) return { mode: 'json', freshFiles: 0 };
  const empty = [
    'NULL::VARCHAR AS message_id',
    'NULL::VARCHAR AS source',
    'NULL::VARCHAR AS "type"',
    'NULL::DATE AS dt',
    ...EMPTY_SEGMENTS.map((s) => `NULL::JSON AS ${ident(s)}`),
  ];
  await con.run(`CREATE VIEW staging AS SELECT ${empty.join(', ')} WHERE false`);
  return { mode: 'empty', freshFiles: 0 };
}
