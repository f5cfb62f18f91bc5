import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { isMessageId } from '@hcdl/lake';
import { ConfigError, readConfig } from '../../runtime/env';
import type { ReplayRequest, ReplaySummary } from '../../runtime/replay';
import { CliInputError, CliUsageError } from '../errors';
import { type CliContext, type CommandSpec, instant, sourceList } from '../kit';
import { runNamed } from '../main';
import type { CliIo } from './io';

const DETAILS = `
Re-runs staging for messages in status error from their raw bytes (after a parser fix),
without re-ingesting them: give message ids, or --errors for every message in error.
Every attempt and its diagnostics stay in the catalog. Works on the data folder
(HCDL_DATA_DIR, default .lake), with or without the server running.
Prints counts and message ids (never message content). Exit status: 0 when every message
replayed ended staged, 1 when some are still in error, unknown or unfinished (or there is no
lake in the folder), 2 on usage errors.`;

/** The request the arguments ask for (ids, or --errors with its filters). */
function requestOf(ids: string[], opts: Record<string, unknown>): ReplayRequest {
  const since = opts.since as string | undefined;
  const source = opts.source as string[] | undefined;
  if (opts.errors === true) {
    if (ids.length > 0) throw new CliUsageError('give message ids or --errors, not both');
    return { errors: { ...(since !== undefined ? { since } : {}), ...(source !== undefined ? { source } : {}) } };
  }
  if (since !== undefined || source !== undefined) throw new CliUsageError('--since and --source go with --errors');
  if (ids.length === 0) throw new CliUsageError('give at least one message id, or --errors');
  return { messageIds: [...new Set(ids)] };
}

export function formatSummary(s: ReplaySummary): string {
  const count = (status: string): number => s.replayed.filter((r) => r.status === status).length;
  const lines = [
    `replayed ${s.replayed.length} message(s): ${count('staged')} staged, ${count('error')} still in error${count('ingested') > 0 ? `, ${count('ingested')} unfinished (the lake resumes them)` : ''}`,
  ];
  for (const r of s.replayed)
    lines.push(
      r.split !== undefined
        ? `  split    ${r.messageId} attempt ${r.attempt} into ${r.split.length} messages: ${r.split.join(', ')}`
        : `  ${r.status.padEnd(8)} ${r.messageId} attempt ${r.attempt}${r.codes !== undefined && r.codes.length > 0 ? ` (${r.codes.join(', ')})` : ''}`,
    );
  if (s.skipped.length > 0)
    lines.push(`not in error, left as they are: ${s.skipped.map((r) => `${r.messageId}${r.status ? ` (${r.status})` : ''}`).join(', ')}`);
  if (s.notFound.length > 0) lines.push(`not found: ${s.notFound.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `hcdl replay`: replays error messages of the local lake's data folder. */
export const replayCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .option('--errors', 'every message in status error (with --since, --source)')
      .option('--since <instant>', 'only messages received at or after this ISO-8601 instant', instant)
      .option('--source <sources>', 'only messages of these sources (comma-separated)', sourceList)
      .option('--json', 'print the summary as JSON')
      .option('--fhir', 'rebuild the refined FHIR zone from the staged messages instead (after a mapping change; with --since, --source, --json)')
      .addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, args, opts) {
    const ids = args[0] as string[];
    if (opts.fhir === true) {
      if (ids.length > 0 || opts.errors === true) throw new CliUsageError('--fhir rebuilds from every staged message: give no message ids and no --errors');
      const rest: string[] = [];
      if (typeof opts.since === 'string') rest.push('--since', opts.since);
      if (Array.isArray(opts.source)) rest.push('--source', opts.source.join(','));
      if (opts.json === true) rest.push('--json');
      return (await import('./replay-fhir')).runReplayFhir(rest, io, env);
    }
    const bad = ids.find((id) => !isMessageId(id));
    if (bad !== undefined) throw new CliUsageError(`not a message id: ${bad}`);
    const request = requestOf(ids, opts);
    let config;
    try {
      config = readConfig(env, { logLevel: 'WARN' });
    } catch (err) {
      if (err instanceof ConfigError) throw new CliUsageError(err.message, { cause: err });
      throw err;
    }
    if (!existsSync(path.join(config.dataDir, 'catalog.db'))) throw new CliInputError(`no lake in ${config.dataDir} (set HCDL_DATA_DIR)`);
    const { replayLocal } = await import('../../runtime/replay');
    const summary = await replayLocal(config, request);
    io.stdout.write(opts.json === true ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    const ok = summary.notFound.length === 0 && summary.replayed.every((r) => r.status === 'staged' || r.split !== undefined);
    return ok ? 0 : 1;
  },
};

/** `hcdl replay <args>` in this process (tests, other tools). */
export const runReplay = (args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> => runNamed('replay', args, io, env);
