import type { Command } from 'commander';
import { CliInputError, CliUsageError } from '../errors';
import { type CliContext, type CommandSpec, instant, sourceList } from '../kit';
import { runNamed } from '../main';
import type { CliIo } from './io';

const DETAILS = `
Writes the Athena catalog mirror (catalog/ of the lake bucket: messages, errors, patient
identifiers, links, merges) for rows catalogued before the mirror existed or while it was
off. Every file is rewritten from the catalog's state at its own key: safe to repeat, safe
while the lake runs. Messages still waiting for staging are left to the mirror.
Reads HCDL_LAKE_BUCKET, HCDL_CATALOG_TABLE, AWS_REGION (and HCDL_KMS_KEY_ID), credentials
from the SDK's usual chain. Prints counts only. Exit status: 0 done, 1 AWS refused, 2 usage errors.`;

/** \`hcdl mirror backfill\`. */
export const mirrorCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .command('backfill')
      .description('write the catalog mirror of rows catalogued before it existed')
      .option('--since <instant>', 'only rows received at or after this ISO-8601 instant', instant)
      .option('--source <sources>', 'only these sources (comma-separated)', sourceList)
      .option('--dry-run', 'count what would be written, write nothing')
      .option('--json', 'print the counts as JSON')
      .addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, _args, opts) {
    const since = opts.since as string | undefined;
    const sources = opts.source as string[] | undefined;
    const dryRun = opts.dryRun === true;
    const json = opts.json === true;
    const aws = await import('@hcdl/aws');
    let config;
    try {
      config = aws.readLambdaEnv(env, ['lakeBucket', 'catalogTable']);
    } catch (err) {
      if (err instanceof aws.LambdaConfigError) throw new CliUsageError(err.message, { cause: err });
      throw err;
    }
    const clients = aws.awsClientsFor(config);
    try {
      const counts = await aws.backfillCatalogMirror(aws.dynamoCatalogFor(config, clients), aws.objectStoreFor(config, clients), {
        ...(since !== undefined ? { since } : {}),
        ...(sources !== undefined ? { sources } : {}),
        dryRun,
        onProgress: json ? undefined : (c) => io.stderr.write(`  ${c.messages} message(s) mirrored so far\n`),
      });
      io.stdout.write(
        json
          ? `${JSON.stringify({ ...counts, dryRun })}\n`
          : `${dryRun ? 'would mirror' : 'mirrored'} ${counts.messages} message(s) (${counts.errorFiles} error file(s)), ${counts.patients} patient(s) (${counts.identifierFiles} identifier file(s), ${counts.links} link(s), ${counts.merges} merge(s), ${counts.conflictFiles} conflict file(s)); ${counts.skippedWaiting} waiting for staging, left to the mirror\n`,
      );
      return 0;
    } catch (err) {
      throw new CliInputError(`AWS refused: ${(err as Error).name}`, { cause: err });
    } finally {
      aws.destroyAwsClients(clients);
    }
  },
};

/** \`hcdl mirror <args>\` in this process (tests, other tools). */
export const runMirror = (args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> => runNamed('mirror', args, io, env);
