import path from 'node:path';

/**
 * Where the query side reads and writes, relative to the lake's data folder: the folder
 * object store keeps zone keys (packages/lake/src/zones.ts) under `<dataDir>/zones/` and the
 * SQLite catalog is `<dataDir>/catalog.db` (packages/local/src/adapters/local-adapters.ts).
 */

/** A message id is a 26-character ULID: matching exactly 26 characters + `.json` skips the
 * object store's `<id>.json.meta.json` sidecars and its in-flight `*.hcdl-tmp` files. */
const ID_GLOB = '?'.repeat(26);

export const catalogFile = (dataDir: string): string => path.join(dataDir, 'catalog.db');

export const zonesDir = (dataDir: string): string => path.join(dataDir, 'zones');

/** Every staging JSON document of the zone, Hive partitions source, protocol, format, type, dt. */
export const stagingJsonGlob = (dataDir: string): string =>
  path.join(zonesDir(dataDir), 'staging', 'source=*', 'protocol=hl7v2', 'format=json', 'type=*', 'dt=*', `${ID_GLOB}.json`);

/**
 * The compacted staging zone. Each compaction writes a new generation folder
 * `<dataDir>/zones/parquet/staging/<generation>/source=/type=/dt=/data_N.parquet`, then
 * points the manifest at it with one atomic rename, so a reader sees the old or the new
 * generation, never a half-written one.
 */
export const parquetStagingDir = (dataDir: string): string => path.join(zonesDir(dataDir), 'parquet', 'staging');

export const parquetGenerationDir = (dataDir: string, generation: string): string => path.join(parquetStagingDir(dataDir), generation);

export const parquetGenerationGlob = (dataDir: string, generation: string): string =>
  path.join(parquetGenerationDir(dataDir, generation), 'source=*', 'type=*', 'dt=*', '*.parquet');

/** The manifest naming the current generation (written last, by rename). */
export const manifestFile = (dataDir: string): string => path.join(parquetStagingDir(dataDir), '_manifest.json');

/** SQL string literal. */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** SQL identifier. */
export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;
