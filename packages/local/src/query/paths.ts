import path from 'node:path';

/**
 * Where the query side reads and writes, relative to the lake's data folder (see
 * packages/lake/src/zones.ts for the zone keys and packages/local/src/adapters for the layout).
 */

/** A message id is a 26-character ULID: matching exactly 26 characters + `.json` skips the
 * object store's `<id>.json.meta.json` sidecars and its in-flight `*.tmp` files. */
const ID_GLOB = '?'.repeat(26);

export const catalogFile = (dataDir: string): string => path.join(dataDir, 'catalog.db');

/** Every staging JSON document of the zone, Hive partitions source, protocol, format, type, dt. */
export const stagingJsonGlob = (dataDir: string): string =>
  path.join(dataDir, 'zones', 'staging', 'source=*', 'protocol=hl7v2', 'format=json', 'type=*', 'dt=*', `${ID_GLOB}.json`);

/** The compacted staging zone: `<dataDir>/zones/parquet/staging/source=/type=/dt=/data_N.parquet`. */
export const parquetStagingDir = (dataDir: string): string => path.join(dataDir, 'zones', 'parquet', 'staging');

export const parquetStagingGlob = (dataDir: string): string => path.join(parquetStagingDir(dataDir), 'source=*', 'type=*', 'dt=*', '*.parquet');

/** Written last into a compaction, so a folder with a manifest is complete. */
export const MANIFEST = '_manifest.json';

/** SQL string literal. */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** SQL identifier. */
export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;
