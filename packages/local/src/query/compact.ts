import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { STAGING_LEAF_COLUMNS } from '@hcdl/hl7v2';
import { openCatalog } from './catalog-tables';
import { exportCatalog } from './catalog-snapshot';
import { CompactError, firstLine, QueryError } from './errors';
import { listStagingFiles, loadFields, type StagingFile } from './fields-load';
import { MANIFEST_FORMAT, readManifest, writeManifest, type CompactionManifest } from './manifest';
import { fieldsParquetDir, generationDir, ident, legacyParquetDir, lit, parquetDir, stagingDayGlob, stagingParquetGlob } from './paths';
import { HIVE_PARQUET, rawJsonSelect, typedSelect } from './staging-view';
import { typedColumns } from './typed';

export interface CompactOptions {
  dataDir: string;
  /** DuckDB worker threads (default: DuckDB's own). */
  threads?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Generation names sort by time: `g<yyyymmddThhmmssmmm>-<random>`. */
const generationName = (at: Date): string => `g${at.toISOString().replace(/[-:.Z]/g, '')}-${randomBytes(3).toString('hex')}`;

/**
 * The `fields` rows of every staging document, one folder per source and type, then one
 * Parquet file per segment: a query on a segment reads only that segment's files (sorting the
 * rows instead cost more than the appends, and memory). Rows keep document order (by id, so
 * by day): a `dt` range skips row groups of a large partition. Collects the documents'
 * top-level keys into `keys`, sparing the staging copy a pass to find them.
 */
async function writeFields(con: DuckDBConnection, dataDir: string, generation: string, files: readonly StagingFile[], keys: Set<string>): Promise<number> {
  const partitions = new Map<string, StagingFile[]>();
  for (const f of files) {
    const k = `${f.source}/${f.type}`;
    const list = partitions.get(k);
    if (list === undefined) partitions.set(k, [f]);
    else list.push(f);
  }
  const leaves = STAGING_LEAF_COLUMNS.map((c) => ident(c.name)).join(', ');
  let rows = 0;
  for (const list of partitions.values()) {
    const { source, type } = list[0] as StagingFile;
    await con.run('DROP TABLE IF EXISTS fields_partition');
    rows += await loadFields(con, 'fields_partition', list, keys);
    const dir = path.join(fieldsParquetDir(dataDir, generation), `source=${source}`, `type=${type}`);
    await mkdir(path.dirname(dir), { recursive: true });
    await con.run(
      `COPY (SELECT message_id, CAST(dt AS DATE) AS dt, ${leaves} FROM fields_partition) TO ${lit(dir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (segment))`,
    );
  }
  await con.run('DROP TABLE IF EXISTS fields_partition');
  return rows;
}

/** Documents per staging batch: a batch is held in memory (about 13 KB a document) before its file is written. */
const STAGING_BATCH = 20_000;

/**
 * The staging documents to Parquet, per source and type, a batch of days at a time: read into
 * a table, then written typed from it. Typing straight from read_json cost 3 to 4 times as
 * much (DuckDB evaluates the expressions inside the JSON scan), more than reading twice.
 */
async function writeStaging(con: DuckDBConnection, dataDir: string, generation: string, files: readonly StagingFile[], keys: readonly string[]): Promise<void> {
  const days = new Map<string, Map<string, number>>();
  for (const f of files) {
    const k = `${f.source}\u0000${f.type}`;
    const perDay = days.get(k) ?? new Map<string, number>();
    perDay.set(f.dt, (perDay.get(f.dt) ?? 0) + 1);
    days.set(k, perDay);
  }
  for (const [k, perDay] of days) {
    const [source, type] = k.split('\u0000') as [string, string];
    const dir = path.join(generationDir(dataDir, generation), 'staging', `source=${source}`, `type=${type}`);
    await mkdir(dir, { recursive: true });
    const batches: string[][] = [[]];
    let size = 0;
    for (const [dt, n] of [...perDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (size > 0 && size + n > STAGING_BATCH) {
        batches.push([]);
        size = 0;
      }
      (batches[batches.length - 1] as string[]).push(dt);
      size += n;
    }
    for (const [i, batch] of batches.entries()) {
      const globs = `[${batch.map((dt) => lit(stagingDayGlob(dataDir, source, type, dt))).join(', ')}]`;
      await con.run(`CREATE OR REPLACE TABLE staging_batch AS ${rawJsonSelect(globs, keys)}`);
      await con.run(`COPY (${typedSelect('staging_batch', keys)}) TO ${lit(path.join(dir, `data_${i}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
    }
  }
  await con.run('DROP TABLE IF EXISTS staging_batch');
}

/**
 * Writes a new generation of the compacted copies: first the catalog snapshot (every SQLite
 * table to Parquet, in one read transaction), then the `fields` rows of every staging
 * document, then the documents themselves to Parquet partitioned by source/type (`_meta` and
 * `msh` typed as the view types them). All go into `<generation>.tmp`, renamed to `<generation>`
 * when complete; the manifest is then replaced by rename (the switch readers see), and
 * generations older than the previous one are removed (a query that opened just before the
 * switch may still be reading it). Staging JSON and the catalog stay where they are: they are
 * the record, Parquet a derived copy. Returns the new manifest, or undefined when there is no
 * staging data.
 */
export async function compactStaging(options: CompactOptions): Promise<CompactionManifest | undefined> {
  const dataDir = path.resolve(options.dataDir);
  const now = options.now ?? (() => new Date());
  const db = openCatalog(dataDir);
  const snapshotAt = now();
  const generation = generationName(snapshotAt);
  const tmp = `${generation}.tmp`;
  const tmpDir = generationDir(dataDir, tmp);
  // What does not fit in memory spills beside the lake, not into the working directory.
  const spillDir = `${generationDir(dataDir, generation)}.spill`;
  const config: Record<string, string> = { preserve_insertion_order: 'false', temp_directory: spillDir };
  if (options.threads !== undefined) config.threads = String(options.threads);
  let instance: DuckDBInstance | undefined;
  let con: DuckDBConnection | undefined;
  let manifest: CompactionManifest;
  let previous: string | undefined;
  try {
    previous = (await readManifest(dataDir)).manifest?.generation;
    instance = await DuckDBInstance.create(':memory:', config);
    con = await instance.connect();
    await mkdir(tmpDir, { recursive: true });
    let t0 = performance.now();
    const catalog = await exportCatalog(con, db, dataDir, tmp);
    const durationsMs = { catalog: Math.round(performance.now() - t0), fields: 0, staging: 0 };
    // Listed after the snapshot: a document staged since is read from JSON by every query
    // until the next compaction, whichever copies it made it into.
    const files = listStagingFiles(dataDir).sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
    if (files.length === 0) {
      await rm(tmpDir, { recursive: true, force: true });
      return undefined;
    }
    const keys = new Set<string>(['_meta', 'msh']);
    t0 = performance.now();
    const fields = await writeFields(con, dataDir, tmp, files, keys);
    durationsMs.fields = Math.round(performance.now() - t0);
    t0 = performance.now();
    await writeStaging(con, dataDir, tmp, files, [...keys]);
    durationsMs.staging = Math.round(performance.now() - t0);
    const stats = await con.runAndReadAll(
      `SELECT count(*)::INTEGER AS messages, count(DISTINCT (source, "type"))::INTEGER AS partitions FROM read_parquet(${lit(stagingParquetGlob(dataDir, tmp))}, ${HIVE_PARQUET})`,
    );
    const row = stats.getRowObjectsJson()[0] ?? {};
    manifest = {
      format: MANIFEST_FORMAT,
      generation,
      snapshotAt: snapshotAt.toISOString(),
      compactedAt: now().toISOString(),
      messages: Number(row.messages ?? 0),
      partitions: Number(row.partitions ?? 0),
      fields,
      catalog,
      typed: Object.fromEntries(typedColumns()),
      durationsMs,
    };
    await rename(tmpDir, generationDir(dataDir, generation));
    // A compaction that started later and already switched the manifest wins: keep its copy.
    const latest = (await readManifest(dataDir)).manifest;
    if (latest !== undefined && latest.generation > generation) {
      await rm(generationDir(dataDir, generation), { recursive: true, force: true });
      return latest;
    }
    await writeManifest(dataDir, manifest);
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    if (err instanceof CompactError) throw err;
    throw new CompactError(`compaction failed, the previous one is kept: ${err instanceof QueryError ? err.message : firstLine(err)}`, { cause: err });
  } finally {
    con?.closeSync();
    instance?.closeSync();
    db.close();
    await rm(spillDir, { recursive: true, force: true });
  }
  await removeOldGenerations(dataDir, generation, previous);
  return manifest;
}

/** Leftovers of a compaction (`.tmp`, `.spill`) older than this belong to one that died. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Deletes generations older than the previous one, and the folder where older releases kept
 * theirs. Left alone: generations newer than this one (names sort by time: a compaction that
 * started later and is still running or about to switch the manifest) and fresh `.tmp`/`.spill`
 * folders of compactions still running.
 */
async function removeOldGenerations(dataDir: string, current: string, previous: string | undefined): Promise<void> {
  const root = parquetDir(dataDir);
  await rm(legacyParquetDir(dataDir), { recursive: true, force: true });
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith('g')) continue;
    const base = e.name.replace(/\.(tmp|spill)$/, '');
    if (base === current || base === previous || base > current) continue;
    const dir = path.join(root, e.name);
    if (base !== e.name && Date.now() - (await stat(dir)).mtimeMs < STALE_MS) continue;
    await rm(dir, { recursive: true, force: true });
  }
}
