/**
 * `hcdl compact`: writes the staging zone to Parquet partitioned by source/type/dt (a new
 * generation that replaces the previous one atomically); `hcdl query` then reads it.
 * Exit codes: 0 ok (also when there is nothing to compact), 1 compaction failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { readConfig } from '../../runtime/env';
import { QueryError } from '../../query/errors';
import type { CliIo } from './io';

export const COMPACT_USAGE = `usage: hcdl compact [--data-dir <dir>]
  Writes every staging JSON document to Parquet under <data dir>/zones/parquet/staging,
  partitioned by source/type/dt, replacing the previous compaction atomically. Staging JSON
  is kept (it stays the zone of record); queries read Parquet plus what was staged since.`;

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
      `compacted ${manifest.messages} messages into ${manifest.partitions} partitions (generation ${manifest.generation}) in ${Date.now() - started} ms\n`,
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
