import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RebuildFilter } from '@hcdl/core';
import { ConfigError, readConfig } from '../../runtime/env';
import { replayFhirLocal } from '../../runtime/refined-replay';
import type { CliIo } from './io';

export const REPLAY_FHIR_USAGE = `usage: hcdl replay --fhir [--since <iso instant>] [--source <source>[,<source>...]] [--json]
  Rebuilds the refined FHIR zone from the staged messages (after a mapping change): each
  staged message is converted again from its raw bytes, in receive order; a resource whose
  content changed gets a new version and a change event, an identical one nothing.
  Works on the data folder (HCDL_DATA_DIR, default .lake), with or without the server running.
  --since   only messages received at or after this instant
  --json    print the summary as JSON
  Prints counts and message ids (never message content). Exit status: 0 when every message was
  refined, 1 when some failed, 2 on usage errors.`;

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function filterOf(args: string[]): { filter: RebuildFilter; json: boolean } | { error: string } | { help: true } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { fhir: { type: 'boolean' }, since: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (values.help) return { help: true };
  const filter: RebuildFilter = {};
  if (values.since !== undefined) {
    const t = Date.parse(values.since);
    if (Number.isNaN(t)) return { error: '--since must be an ISO-8601 instant, e.g. 2024-05-01T00:00:00Z' };
    filter.since = new Date(t).toISOString();
  }
  if (values.source !== undefined) {
    const sources = values.source
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (sources.length === 0 || sources.some((s) => !SOURCE.test(s))) return { error: '--source must be comma-separated source ids' };
    filter.source = sources;
  }
  return { filter, json: values.json === true };
}

/** `hcdl replay --fhir`: rebuilds the refined zone of the local lake's data folder (see REPLAY_FHIR_USAGE). */
export async function runReplayFhir(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = filterOf(args);
  if ('help' in parsed) {
    io.stdout.write(`${REPLAY_FHIR_USAGE}\n`);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr.write(`hcdl replay --fhir: ${parsed.error}\n${REPLAY_FHIR_USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = readConfig(env, { logLevel: 'WARN' });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`hcdl replay --fhir: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (!existsSync(path.join(config.dataDir, 'catalog.db'))) {
    io.stderr.write(`hcdl replay --fhir: no lake in ${config.dataDir} (set HCDL_DATA_DIR)\n`);
    return 2;
  }
  const summary = await replayFhirLocal(config, parsed.filter);
  if (parsed.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    io.stdout.write(
      `refined ${summary.messages} staged message(s) again: ${summary.versions} new version(s), ${summary.unchanged} resource(s) unchanged, ${summary.stale} left to newer messages\n`,
    );
    if (summary.failed.length > 0) io.stdout.write(`failed (left as they were): ${summary.failed.join(', ')}\n`);
  }
  return summary.failed.length === 0 ? 0 : 1;
}
