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

/** The staging documents of one source, structure and day. */
export const stagingDayGlob = (dataDir: string, source: string, type: string, dt: string): string =>
  path.join(zonesDir(dataDir), 'staging', `source=${source}`, 'protocol=hl7v2', 'format=json', `type=${type}`, `dt=${dt}`, `${ID_GLOB}.json`);

/** A zone key (`staging/source=…/<id>.json`) as a file of the folder object store. */
export const zoneFile = (dataDir: string, key: string): string => path.join(zonesDir(dataDir), ...key.split('/'));

/**
 * The compacted copies. Each compaction writes one generation folder
 * `<dataDir>/zones/parquet/<generation>/` holding `staging/source=/type=/data_0.parquet`,
 * `fields/source=/type=/segment=/data_0.parquet` and `catalog/<table>.parquet`, then points the
 * manifest at it with one atomic rename: a reader sees the old or the new generation, never
 * a half-written one. `dt` is a column inside the files, not a folder: a folder per day
 * multiplies the files, and every file costs a Parquet footer read per query (248 folders
 * for 100,000 messages over 30 days took 0.4-1.1 s per query, 8 took 10-40 ms).
 */
export const parquetDir = (dataDir: string): string => path.join(zonesDir(dataDir), 'parquet');

export const generationDir = (dataDir: string, generation: string): string => path.join(parquetDir(dataDir), generation);

const partitionGlob = (dir: string): string => path.join(dir, 'source=*', 'type=*', '*.parquet');

export const stagingParquetGlob = (dataDir: string, generation: string): string => partitionGlob(path.join(generationDir(dataDir, generation), 'staging'));

export const fieldsParquetDir = (dataDir: string, generation: string): string => path.join(generationDir(dataDir, generation), 'fields');

/** `fields` has one more folder level: `segment=`. */
export const fieldsParquetGlob = (dataDir: string, generation: string): string =>
  path.join(fieldsParquetDir(dataDir, generation), 'source=*', 'type=*', 'segment=*', '*.parquet');

export const catalogParquetFile = (dataDir: string, generation: string, table: string): string =>
  path.join(generationDir(dataDir, generation), 'catalog', `${table}.parquet`);

/** The manifest naming the current generation (written last, by rename). */
export const manifestFile = (dataDir: string): string => path.join(parquetDir(dataDir), '_manifest.json');

/** Where releases before the catalog snapshot kept their generations (removed by the next compaction). */
export const legacyParquetDir = (dataDir: string): string => path.join(parquetDir(dataDir), 'staging');

/** SQL string literal. */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** SQL identifier. */
export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;
