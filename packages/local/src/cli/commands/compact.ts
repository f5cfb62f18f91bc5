/**
 * `hcdl compact`: writes the catalog, the staging zone (partitioned by source/type/dt) and
 * the `fields` rows to Parquet, as a new generation that replaces the previous one
 * atomically; `hcdl query` then reads it plus what changed since.
 * Exit codes: 0 ok (also when there is nothing to compact), 1 compaction failed or no lake
 * in the data folder, 2 usage.
 */
import type { Command } from 'commander';
import { readConfig } from '../../runtime/env';
import { QueryError } from '../../query/errors';
import { CliInputError } from '../errors';
import type { CliContext, CommandSpec } from '../kit';
import { runNamed } from '../main';
import type { CliIo } from './io';

const DETAILS = `
Writes a snapshot of the catalog, every staging JSON document (partitioned by
source/type/dt) and their fields to Parquet under <data dir>/zones/parquet, replacing the
previous compaction atomically. The catalog and staging JSON are kept (they stay the
record); queries read Parquet plus what changed since.`;

export const compactCommand: CommandSpec = {
  declare: (cmd: Command) => cmd.option('--data-dir <dir>', "the lake's data folder (default HCDL_DATA_DIR or .lake)").addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, _args, opts) {
    const dataDir = (opts.dataDir as string | undefined) ?? readConfig(env).dataDir;
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
      if (err instanceof QueryError) throw new CliInputError(err.message, { cause: err });
      throw err;
    }
  },
};

/** `hcdl compact <args>` in this process (tests, other tools). */
export const runCompact = (args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> => runNamed('compact', args, io, env);
