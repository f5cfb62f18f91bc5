import { parseArgs } from 'node:util';
import type { CliIo } from './io';

export const MIRROR_USAGE = `usage: hcdl mirror backfill [--since <iso instant>] [--source <source>[,<source>...]] [--dry-run] [--json]
  Writes the Athena catalog mirror (catalog/ of the lake bucket: messages, errors, patient
  identifiers, links, merges) for rows catalogued before the mirror existed or while it was
  off. Every file is rewritten from the catalog's state at its own key: safe to repeat, safe
  while the lake runs. Messages still waiting for staging are left to the mirror.
  Reads HCDL_LAKE_BUCKET, HCDL_CATALOG_TABLE, AWS_REGION (and HCDL_KMS_KEY_ID), credentials
  from the SDK's usual chain. Prints counts only. Exit status: 0 done, 1 AWS refused, 2 usage errors.`;

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Parsed = { since?: string; sources?: string[]; dryRun: boolean; json: boolean } | { error: string } | { help: true };

function parse(args: string[]): Parsed {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { since: { type: 'string' }, source: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (values.help) return { help: true };
  if (positionals.length !== 1 || positionals[0] !== 'backfill') return { error: 'the mirror command is `hcdl mirror backfill`' };
  const out: Parsed = { dryRun: values['dry-run'] === true, json: values.json === true };
  if (values.since !== undefined) {
    const t = Date.parse(values.since);
    if (Number.isNaN(t)) return { error: '--since must be an ISO-8601 instant, e.g. 2024-05-01T00:00:00Z' };
    out.since = new Date(t).toISOString();
  }
  if (values.source !== undefined) {
    const sources = values.source
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (sources.length === 0 || sources.some((s) => !SOURCE.test(s))) return { error: '--source must be comma-separated source ids' };
    out.sources = sources;
  }
  return out;
}

/** `hcdl mirror backfill` (see MIRROR_USAGE). */
export async function runMirror(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parse(args);
  if ('help' in parsed) {
    io.stdout.write(`${MIRROR_USAGE}\n`);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr.write(`hcdl mirror: ${parsed.error}\n${MIRROR_USAGE}\n`);
    return 2;
  }
  const aws = await import('@hcdl/aws');
  let config;
  try {
    config = aws.readLambdaEnv(env, ['lakeBucket', 'catalogTable']);
  } catch (err) {
    if (!(err instanceof aws.LambdaConfigError)) throw err;
    io.stderr.write(`hcdl mirror: ${err.message}\n`);
    return 2;
  }
  const clients = aws.awsClientsFor(config);
  try {
    const counts = await aws.backfillCatalogMirror(aws.dynamoCatalogFor(config, clients), aws.objectStoreFor(config, clients), {
      ...(parsed.since !== undefined ? { since: parsed.since } : {}),
      ...(parsed.sources !== undefined ? { sources: parsed.sources } : {}),
      dryRun: parsed.dryRun,
      onProgress: parsed.json ? undefined : (c) => io.stderr.write(`  ${c.messages} message(s) mirrored so far\n`),
    });
    io.stdout.write(
      parsed.json
        ? `${JSON.stringify({ ...counts, dryRun: parsed.dryRun })}\n`
        : `${parsed.dryRun ? 'would mirror' : 'mirrored'} ${counts.messages} message(s) (${counts.errorFiles} error file(s)), ${counts.patients} patient(s) (${counts.identifierFiles} identifier file(s), ${counts.links} link(s), ${counts.merges} merge(s), ${counts.conflictFiles} conflict file(s)); ${counts.skippedWaiting} waiting for staging, left to the mirror\n`,
    );
    return 0;
  } catch (err) {
    io.stderr.write(`hcdl mirror: AWS refused: ${(err as Error).name}\n`);
    return 1;
  } finally {
    aws.destroyAwsClients(clients);
  }
}
