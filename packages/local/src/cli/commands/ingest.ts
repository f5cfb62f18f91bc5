import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import type { DevIssuer } from '../../runtime/dev-issuer';
import { ConfigError, readConfig } from '../../runtime/env';
import { openLakeIssuer, signingKeyFile } from '../dev-token';
import { CliUnreachableError, CliUsageError } from '../errors';
import { type CliContext, type CommandSpec, integer, sourceId } from '../kit';
import { runNamed } from '../main';
import { DEFAULT_EXTENSIONS, expandInputs } from '../ingest/inputs';
import { DEFAULT_RETRY, type Sender } from '../ingest/outcome';
import { allOf, barProgress, emptySummary, ndjsonProgress, type Progress, summaryProgress, tally } from '../ingest/report';
import { TokenSource } from '../ingest/token-source';
import type { CliIo } from './io';

const DETAILS = `
Sends every file to a running lake, as POST /hl7v2/er7 (or one MLLP frame per file with
--mllp), several at once, retrying what may pass later (no answer, 429, 5xx) with backoff.
A rerun is safe: what is already stored answers duplicate. A file may hold one message or a
batch. Folders are searched recursively for the --ext extensions; globs are expanded
(quote them); - reads standard input as one file.
Token: --token (or HCDL_TOKEN) as given; else one minted from the lake's dev issuer key in
--data-dir (HCDL_DATA_DIR, default .lake) for --source, renewed before it expires.
On a terminal: a progress bar (stderr), then the summary. Stdout piped: one JSON line per
file, then a summary line. Exit status: 0 every file stored (new or duplicate), 1 some file rejected or
failed (the summary says which and why), 2 usage, 3 lake unreachable or token refused.`;

function hostPort(v: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (m === null || port < 1 || port > 65535) throw new InvalidArgumentError('host:port or a port is expected');
  return { host: m[1] ?? '127.0.0.1', port };
}

/** The lake's URL when none is given: this machine's configured port. */
function defaultUrl(config: { host: string; port: number }): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

async function checkReachable(url: string): Promise<void> {
  try {
    await fetch(`${url.replace(/\/$/, '')}/health`, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const code = ((err as { cause?: NodeJS.ErrnoException }).cause?.code ?? (err as Error).name) as string;
    throw new CliUnreachableError(`no lake answers at ${url} (${code}); start it with hcdl serve, or give its URL with --url`, { cause: err });
  }
}

/** `hcdl ingest`: bulk load into a running lake. */
export const ingestCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .option('--url <url>', "the lake's URL (HCDL_URL; default this machine's HCDL_PORT)")
      .option('--source <id>', 'the source the messages are recorded under (?source=)', sourceId)
      .option('--token <jwt>', 'bearer token to send (HCDL_TOKEN); default: minted from --data-dir')
      .option('--data-dir <dir>', "the lake's data folder, to mint tokens (HCDL_DATA_DIR, default .lake)")
      .option('--mllp <[host:]port>', 'send over MLLP to this listener instead of HTTP (source and auth are the listener’s)', hostPort)
      .option('-c, --concurrency <n>', 'files in flight at once', integer(1, 256), 8)
      .option('--retries <n>', 'retries of a file that got no answer or a 429/5xx', integer(0, 100), DEFAULT_RETRY.retries)
      .option('--timeout <ms>', 'longest wait for one answer', integer(100), 60_000)
      .option('--ext <list>', 'extensions searched for in folders (comma-separated)', DEFAULT_EXTENSIONS.join(','))
      .option('--ndjson', 'print NDJSON progress and summary on stdout even when it is a terminal')
      .addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, args, opts) {
    let config;
    try {
      config = readConfig(opts.dataDir === undefined ? env : { ...env, HCDL_DATA_DIR: opts.dataDir as string }, { logLevel: 'WARN' });
    } catch (err) {
      if (err instanceof ConfigError) throw new CliUsageError(err.message, { cause: err });
      throw err;
    }
    const extensions = (opts.ext as string).split(',').filter((e) => e.trim() !== '');
    const files = await expandInputs(args[0] as string[], extensions);
    const retry = { ...DEFAULT_RETRY, retries: opts.retries as number };
    const timeoutMs = opts.timeout as number;
    let sender: Sender;
    let close = (): void => {};
    const mllp = opts.mllp as { host: string; port: number } | undefined;
    if (mllp !== undefined) {
      const { createMllpSender } = await import('../ingest/mllp-sender');
      const m = createMllpSender({ ...mllp, retry, timeoutMs });
      sender = m.sender;
      close = m.close;
    } else {
      const url = ((opts.url as string | undefined) ?? env.HCDL_URL ?? defaultUrl(config)).replace(/\/$/, '');
      await checkReachable(url);
      const source = opts.source as string | undefined;
      const given = (opts.token as string | undefined) ?? env.HCDL_TOKEN;
      if (given === undefined && source === undefined) throw new CliUsageError('name the source with --source (or give a --token whose write claim names one)');
      // A given token is used as it is; with the lake's dev issuer key at hand, an expired one is replaced.
      let issuer: DevIssuer | undefined;
      if (config.oidc.jwksUrl === undefined && (given === undefined || existsSync(signingKeyFile(config.dataDir)))) {
        try {
          issuer = await openLakeIssuer({ dataDir: config.dataDir, url, issuer: config.oidc.issuer, audience: config.oidc.audience, newKey: false });
        } catch (err) {
          if (given === undefined) throw err;
        }
      }
      if (given === undefined && issuer === undefined)
        throw new CliUsageError('the lake trusts an external OIDC issuer: give its token with --token or HCDL_TOKEN');
      const tokens = new TokenSource({
        ...(given !== undefined ? { given } : {}),
        ...(issuer !== undefined ? { issuer } : {}),
        ...(source !== undefined ? { write: source } : {}),
      });
      const { createHttpSender } = await import('../ingest/http-sender');
      sender = createHttpSender({ url, ...(source !== undefined ? { source } : {}), tokens, retry, timeoutMs });
    }
    // A bar while a person watches (stderr a terminal); NDJSON when stdout is piped, else the summary.
    const isTty = (s: NodeJS.WritableStream): boolean => (s as { isTTY?: boolean }).isTTY === true;
    const progress: Progress = allOf([
      ...(isTty(io.stderr) ? [barProgress(io.stderr)] : []),
      isTty(io.stdout) && opts.ndjson !== true ? summaryProgress(io.stdout) : ndjsonProgress(io.stdout),
    ]);
    const summary = emptySummary();
    const started = performance.now();
    progress.start(files.length);
    let next = 0;
    let stopped: unknown;
    const worker = async (): Promise<void> => {
      while (stopped === undefined && next < files.length) {
        const file = files[next++] as (typeof files)[number];
        let bytes: Uint8Array;
        try {
          bytes = await file.read();
        } catch (err) {
          const o = { kind: 'failed', reason: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`, attempts: 0 } as const;
          tally(summary, file.name, o);
          progress.file(file.name, o, summary);
          continue;
        }
        try {
          const o = await sender(bytes);
          tally(summary, file.name, o);
          progress.file(file.name, o, summary);
        } catch (err) {
          // A refused token stops every worker: the other files would be refused the same way.
          stopped ??= err;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(opts.concurrency as number, Math.max(files.length, 1)) }, worker));
    } finally {
      close();
    }
    summary.elapsedMs = Math.round(performance.now() - started);
    progress.stop(summary);
    if (stopped !== undefined) throw stopped;
    return summary.rejected.length > 0 || summary.failed.length > 0 ? 1 : 0;
  },
};

/** `hcdl ingest <args>` in this process (tests, other tools). */
export const runIngest = (args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> => runNamed('ingest', args, io, env);
