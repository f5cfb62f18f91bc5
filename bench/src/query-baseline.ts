/**
 * The query path before the catalog snapshot, rebuilt here so bench:query can time it beside
 * the current one in the same run: the compaction wrote only staging, as JSON columns
 * partitioned by source/type/dt; every query copied the whole SQLite catalog into DuckDB,
 * defined `staging` over the Parquet files with union_by_name, and looked for documents
 * staged since the compaction by joining the copied catalog with every message id of the
 * Parquet files.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { copyCatalog } from '../../packages/local/src/query/catalog-copy';
import { openCatalog } from '../../packages/local/src/query/catalog-tables';
import { lit, stagingJsonGlob } from '../../packages/local/src/query/paths';

const HIVE = "hive_partitioning = true, hive_types = {'source': 'VARCHAR', 'type': 'VARCHAR', 'dt': 'DATE'}";
const MAX_OBJECT = 'maximum_object_size = 67108864';

export const baselineDir = (dataDir: string): string => path.join(dataDir, 'bench-baseline');
const baselineGlob = (dataDir: string): string => path.join(baselineDir(dataDir), 'source=*', 'type=*', 'dt=*', '*.parquet');

/** The old compaction: every top-level key a JSON column, one folder per source/type/day. Returns ms. */
export async function writeBaseline(dataDir: string): Promise<number> {
  await rm(baselineDir(dataDir), { recursive: true, force: true });
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'false', temp_directory: `${baselineDir(dataDir)}.spill` });
  const con = await instance.connect();
  try {
    const files = lit(stagingJsonGlob(dataDir));
    const keys = (
      await con.runAndReadAll(`SELECT DISTINCT unnest(json_keys(json)) AS k FROM read_json_objects(${files}, format = 'auto', ${MAX_OBJECT}) ORDER BY k`)
    )
      .getRowsJson()
      .map((r) => String(r[0]));
    const columns = `{${keys.map((k) => `${lit(k)}: 'JSON'`).join(', ')}}`;
    await con.run(
      `COPY (SELECT regexp_extract(filename, '([0-9A-Za-z]{26})\\.json$', 1) AS message_id, source, "type", dt, ${keys.map((k) => `"${k}"`).join(', ')} ` +
        `FROM read_json(${files}, format = 'auto', columns = ${columns}, ${HIVE}, filename = true, ${MAX_OBJECT})) ` +
        `TO ${lit(baselineDir(dataDir))} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (source, "type", dt))`,
    );
  } finally {
    con.closeSync();
    instance.closeSync();
    await rm(`${baselineDir(dataDir)}.spill`, { recursive: true, force: true });
  }
  return performance.now() - t0;
}

export interface BaselineEngine {
  con: DuckDBConnection;
  /** ms: copying the catalog, defining staging (with the freshness check). */
  catalogMs: number;
  viewMs: number;
  close(): void;
}

/** Opens the old way: full catalog copy, then the staging view over the old Parquet layout. */
export async function openBaseline(dataDir: string): Promise<BaselineEngine> {
  const db = openCatalog(dataDir);
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const close = (): void => {
    con.closeSync();
    instance.closeSync();
    db.close();
  };
  try {
    await con.run("SET TimeZone = 'UTC'");
    let t = performance.now();
    await copyCatalog(con, db);
    const catalogMs = performance.now() - t;
    t = performance.now();
    const parquet = lit(baselineGlob(dataDir));
    const fresh = await con.runAndReadAll(
      `SELECT staging_key FROM catalog_messages WHERE status = 'staged' AND staging_key IS NOT NULL AND updated_at >= now() - INTERVAL 1 DAY AND message_id NOT IN (SELECT message_id FROM read_parquet(${parquet}))`,
    );
    if (fresh.getRowsJson().length > 0) throw new Error('the baseline copy misses documents: run it on a lake nothing writes to');
    await con.run(`CREATE VIEW staging AS SELECT * FROM read_parquet(${parquet}, ${HIVE}, union_by_name = true)`);
    return { con, catalogMs, viewMs: performance.now() - t, close };
  } catch (err) {
    close();
    throw err;
  }
}
