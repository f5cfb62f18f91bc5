import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CompactError, firstLine } from './errors';
import { lit, manifestFile, parquetGenerationDir, parquetGenerationGlob, parquetStagingDir } from './paths';
import { defineStagingJson, readManifest, type CompactionManifest } from './staging-view';

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
 * Writes every staging JSON document to Parquet partitioned by source/type/dt, as a new
 * generation: COPY into `<generation>.tmp`, rename it to `<generation>`, then replace the
 * manifest by rename (the switch readers see), and remove generations older than the
 * previous one (a query that opened just before the switch may still be reading it).
 * Staging JSON stays where it is: it is the zone of record, Parquet a derived copy.
 * Returns the new manifest, or undefined when there is no staging data.
 */
export async function compactStaging(options: CompactOptions): Promise<CompactionManifest | undefined> {
  const dataDir = path.resolve(options.dataDir);
  const now = options.now ?? (() => new Date());
  const snapshotAt = now();
  const previous = await readManifest(dataDir);
  const generation = generationName(snapshotAt);
  const finalDir = parquetGenerationDir(dataDir, generation);
  const tmpDir = `${finalDir}.tmp`;
  // What does not fit in memory spills beside the lake, not into the working directory.
  const spillDir = `${finalDir}.spill`;
  const config: Record<string, string> = { preserve_insertion_order: 'false', temp_directory: spillDir };
  if (options.threads !== undefined) config.threads = String(options.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  const con = await instance.connect();
  let manifest: CompactionManifest;
  try {
    if (!(await defineStagingJson(con, dataDir))) return undefined;
    await mkdir(parquetStagingDir(dataDir), { recursive: true });
    await con.run(`COPY (SELECT * FROM staging_json) TO ${lit(tmpDir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (source, "type", dt))`);
    await rename(tmpDir, finalDir);
    const stats = await con.runAndReadAll(
      `SELECT count(*)::INTEGER AS messages, count(DISTINCT (source, "type", dt))::INTEGER AS partitions FROM read_parquet(${lit(parquetGenerationGlob(dataDir, generation))}, hive_partitioning = true)`,
    );
    const row = stats.getRowObjectsJson()[0] ?? {};
    manifest = {
      generation,
      snapshotAt: snapshotAt.toISOString(),
      compactedAt: now().toISOString(),
      messages: Number(row.messages ?? 0),
      partitions: Number(row.partitions ?? 0),
    };
    // A compaction that started later and already switched the manifest wins: keep its copy.
    const latest = await readManifest(dataDir);
    if (latest !== undefined && latest.generation > generation) {
      await rm(finalDir, { recursive: true, force: true });
      return latest;
    }
    const tmpManifest = `${manifestFile(dataDir)}.${generation}.tmp`;
    await writeFile(tmpManifest, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(tmpManifest, manifestFile(dataDir));
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    if (err instanceof CompactError) throw err;
    throw new CompactError(`compaction failed, the previous one is kept: ${firstLine(err)}`, { cause: err });
  } finally {
    con.closeSync();
    instance.closeSync();
    await rm(spillDir, { recursive: true, force: true });
  }
  await removeOldGenerations(dataDir, generation, previous?.generation);
  return manifest;
}

/** Leftovers of a compaction (`.tmp`, `.spill`) older than this belong to one that died. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Deletes generations older than the previous one. Left alone: generations newer than this
 * one (names sort by time: a compaction that started later and is still running or about
 * to switch the manifest) and fresh `.tmp`/`.spill` folders of compactions still running.
 */
async function removeOldGenerations(dataDir: string, current: string, previous: string | undefined): Promise<void> {
  const root = parquetStagingDir(dataDir);
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith('g')) continue;
    const base = e.name.replace(/\.(tmp|spill)$/, '');
    if (base === current || base === previous || base > current) continue;
    const dir = path.join(root, e.name);
    if (base !== e.name && Date.now() - (await stat(dir)).mtimeMs < STALE_MS) continue;
    await rm(dir, { recursive: true, force: true });
  }
}
