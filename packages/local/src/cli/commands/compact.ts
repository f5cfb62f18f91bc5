/**
 * `hcdl compact`: writes the catalog, the staging zone (partitioned by source/type/dt) and
 * the `fields` rows to Parquet, as a new generation that replaces the previous one
 * atomically; `hcdl query` then reads it plus what changed since.
 * Exit codes: 0 ok (also when there is nothing to compact), 1 compaction failed or no lake
 * in the data folder, 2 usage.
 */
import { parseArgs } from 'node:util';
import { readConfig } from '../../runtime/env';
import { QueryError } from '../../query/errors';
import type { CliIo } from './io';

export const COMPACT_USAGE = `usage: hcdl compact [--data-dir <dir>]
  Writes a snapshot of the catalog, every staging JSON document (partitioned by
  source/type/dt) and their fields to Parquet under <data dir>/zones/parquet, replacing the
  previous compaction atomically. The catalog and staging JSON are kept (they stay the
  record); queries read Parquet plus what changed since.`;

export async function runCompact(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    io.stderr.write(`hcdl compact: ${(err as Error).message}\n${COMPACT_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${COMPACT_USAGE}\n`);
    return 0;
  }
  const dataDir = values['data-dir'] ?? readConfig().dataDir;
  const { compactStaging } = await import('../../query/compact');
  const started = Date.now();
  try {
    const manifest = await compactStaging({ dataDir });
    if (manifest === undefined) {
      io.stdout.write('nothing to compact: the staging zone is empty\n');
      return 0;
    }
    io.stdout.write(
      `compacted ${manifest.messages} messages into ${manifest.partitions} partitions, ${manifest.fields} fields rows and a catalog snapshot of ${manifest.catalog.messages.rows} messages (generation ${manifest.generation}) in ${Date.now() - started} ms (catalog ${manifest.durationsMs.catalog}, fields ${manifest.durationsMs.fields}, staging ${manifest.durationsMs.staging})\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof QueryError) {
      io.stderr.write(`hcdl compact: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
