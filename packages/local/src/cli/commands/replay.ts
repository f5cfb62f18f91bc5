import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMessageId } from '@hcdl/lake';
import { ConfigError, readConfig } from '../../runtime/env';
import { replayLocal, type ReplayRequest, type ReplaySummary } from '../../runtime/replay';
import type { CliIo } from './io';

export const REPLAY_USAGE = `usage: hcdl replay <messageId...>
       hcdl replay --errors [--since <iso instant>] [--source <source>[,<source>...]]
  Re-runs staging for messages in status error from their raw bytes (after a parser fix),
  without re-ingesting them. Every attempt and its diagnostics stay in the catalog.
  Works on the data folder (HCDL_DATA_DIR, default .lake), with or without the server running.
  --since   only messages received at or after this instant
  --json    print the summary as JSON
  Prints counts and message ids (never message content). Exit status: 0 when every message
  replayed ended staged, 1 when some are still in error, unknown or unfinished, 2 on usage errors.`;

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Parsed = { request: ReplayRequest; json: boolean } | { error: string } | { help: true };

function parse(args: string[]): Parsed {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { errors: { type: 'boolean' }, since: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (values.help) return { help: true };
  const json = values.json === true;
  if (values.errors) {
    if (positionals.length > 0) return { error: 'give message ids or --errors, not both' };
    const errors: { since?: string; source?: string[] } = {};
    if (values.since !== undefined) {
      const t = Date.parse(values.since);
      if (Number.isNaN(t)) return { error: '--since must be an ISO-8601 instant, e.g. 2024-05-01T00:00:00Z' };
      errors.since = new Date(t).toISOString();
    }
    if (values.source !== undefined) {
      const sources = values.source
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (sources.length === 0 || sources.some((s) => !SOURCE.test(s))) return { error: '--source must be comma-separated source ids' };
      errors.source = sources;
    }
    return { request: { errors }, json };
  }
  if (values.since !== undefined || values.source !== undefined) return { error: '--since and --source go with --errors' };
  if (positionals.length === 0) return { error: 'give at least one message id, or --errors' };
  const bad = positionals.find((id) => !isMessageId(id));
  if (bad !== undefined) return { error: `not a message id: ${bad}` };
  return { request: { messageIds: [...new Set(positionals)] }, json };
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

/** `hcdl replay`: replays error messages of the local lake's data folder (see REPLAY_USAGE). */
export async function runReplay(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parse(args);
  if ('help' in parsed) {
    io.stdout.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr.write(`hcdl replay: ${parsed.error}\n${REPLAY_USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = readConfig(env, { logLevel: 'WARN' });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`hcdl replay: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (!existsSync(path.join(config.dataDir, 'catalog.db'))) {
    io.stderr.write(`hcdl replay: no lake in ${config.dataDir} (set HCDL_DATA_DIR)\n`);
    return 2;
  }
  const summary = await replayLocal(config, parsed.request);
  io.stdout.write(parsed.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
  const ok = summary.notFound.length === 0 && summary.replayed.every((r) => r.status === 'staged' || r.split !== undefined);
  return ok ? 0 : 1;
}
