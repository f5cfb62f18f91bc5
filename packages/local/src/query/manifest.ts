import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SqlShape } from '@hcdl/hl7v2';
import type { CatalogView } from '@hcdl/lake';
import { QueryError } from './errors';
import { legacyParquetDir, manifestFile } from './paths';

/** What a catalog table of the snapshot holds: its rows, and the SQLite rowid it was read up to. */
export interface CatalogSnapshotTable {
  rows: number;
  /** Rows of the SQLite table with a larger rowid were written after the snapshot. */
  maxRowid: number;
}

/** The current generation, as written by compaction (see compact.ts). */
export interface CompactionManifest {
  format: 2;
  generation: string;
  /**
   * Instant the catalog snapshot was read, before the staging zone: a message staged later is
   * in the catalog's changes since the snapshot, whether or not its document is in the copy.
   */
  snapshotAt: string;
  compactedAt: string;
  /** Staging documents in the copy, and their partitions. */
  messages: number;
  partitions: number;
  /** Rows of the `fields` copy. */
  fields: number;
  catalog: Record<CatalogView, CatalogSnapshotTable>;
  /**
   * The shapes the typed staging columns were written with: documents staged since are read
   * into the same ones without deriving them from the dictionary again (which decodes all
   * ten versions: about half a second).
   */
  typed: Record<string, SqlShape>;
  /** How long each step took (ms): what a slow compaction spent its time on. */
  durationsMs: { catalog: number; fields: number; staging: number };
}

export const MANIFEST_FORMAT = 2;

/**
 * The current manifest; undefined when the lake was never compacted, or only by a release
 * that kept no catalog snapshot (`legacy` tells which, for the hint).
 */
export async function readManifest(dataDir: string): Promise<{ manifest?: CompactionManifest; legacy: boolean }> {
  let text: string;
  try {
    text = await readFile(manifestFile(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new QueryError('the compaction manifest is unreadable; run `hcdl compact` again', { cause: err });
    return { legacy: existsSync(legacyParquetDir(dataDir)) };
  }
  let manifest: CompactionManifest;
  try {
    manifest = JSON.parse(text) as CompactionManifest;
  } catch (err) {
    throw new QueryError('the compaction manifest is unreadable; run `hcdl compact` again', { cause: err });
  }
  if (manifest.format !== MANIFEST_FORMAT) return { legacy: true };
  return { manifest, legacy: false };
}

/** Replaces the manifest by rename: the switch readers see. */
export async function writeManifest(dataDir: string, manifest: CompactionManifest): Promise<void> {
  const tmp = `${manifestFile(dataDir)}.${manifest.generation}.tmp`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, manifestFile(dataDir));
}
