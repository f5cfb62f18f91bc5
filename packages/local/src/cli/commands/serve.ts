import type { Command } from 'commander';
import { ConfigError, readConfig } from '../../runtime/env';
import { CliInputError, CliUsageError } from '../errors';
import { type CliContext, type CommandSpec, integer } from '../kit';
import { tokenCommandLine } from '../dev-token';
import { CONSOLE_PATH } from '../../runtime/console';

const DETAILS = `
Runs until SIGINT or SIGTERM, then finishes the work in flight. Configuration comes from the
environment (see the README: HCDL_PORT, HCDL_HOST, HCDL_DATA_DIR, HCDL_MLLP_PORT, ...); the
options override it. Once listening it prints the exact \`hcdl token\` command for its data
folder and URL. Exit status: 0 stopped, 1 could not start (port in use, bad configuration).`;

/** A listen error as one line (the port and why), or undefined for other errors. */
function listenProblem(err: unknown, what: string, host: string, port: number): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `${what} port ${port} on ${host} is in use (another lake?); choose another with --port or HCDL_PORT`;
  if (code === 'EACCES') return `${what} port ${port} on ${host} is not allowed for this user; choose one above 1023`;
  if (code === 'EADDRNOTAVAIL') return `${what} address ${host} is not an address of this machine (HCDL_HOST)`;
  return undefined;
}

/** `hcdl serve`: the lake on its embedded defaults until SIGINT/SIGTERM. */
export const serveCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .option('--port <n>', 'HTTP port (HCDL_PORT, default 8080; 0 picks a free one)', integer(0, 65535))
      .option('--host <host>', 'interface to listen on (HCDL_HOST, default 127.0.0.1)')
      .option('--data-dir <dir>', 'the data folder (HCDL_DATA_DIR, default .lake)')
      .addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, _args, opts) {
    const overrides: NodeJS.ProcessEnv = { ...env };
    if (opts.port !== undefined) overrides.HCDL_PORT = String(opts.port);
    if (opts.host !== undefined) overrides.HCDL_HOST = opts.host as string;
    if (opts.dataDir !== undefined) overrides.HCDL_DATA_DIR = opts.dataDir as string;
    let config;
    try {
      config = readConfig(overrides);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliUsageError(err.message, { cause: err });
      throw err;
    }
    const [{ openLocalLake }, { startServer }, { startMllpListener }] = await Promise.all([
      import('../../runtime/lake'),
      import('../../runtime/server'),
      import('../../mllp/listener'),
    ]);
    const lake = await openLocalLake(config);
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    let mllp: Awaited<ReturnType<typeof startMllpListener>> | undefined;
    const stopAll = async (): Promise<void> => {
      await mllp?.close();
      await server?.close();
      await lake.idle();
      await lake.close();
    };
    try {
      server = await startServer(lake);
      if (config.mllp !== undefined)
        mllp = await startMllpListener({
          ...config.mllp,
          maxFrameBytes: config.maxBodyBytes,
          submit: lake.app.submit,
          defer: lake.durably,
          applicationAcks: lake.applicationAcks,
          logger: lake.logger,
          onConnections: lake.metrics.mllpConnections,
          audit: { trail: lake.adapters.audit },
        });
    } catch (err) {
      await stopAll();
      const problem =
        server === undefined
          ? listenProblem(err, 'HTTP', config.host, config.port)
          : listenProblem(err, 'MLLP', config.mllp?.host ?? '', config.mllp?.port ?? 0);
      if (problem !== undefined) throw new CliInputError(problem, { cause: err });
      throw err;
    }
    io.stderr.write(`HCDL lake listening on ${server.url} (data: ${config.dataDir})\n`);
    io.stderr.write(`web console: ${server.url}${CONSOLE_PATH}/\n`);
    // The console is built on its first request: make that one now, so a person's first visit is fast.
    void fetch(`${server.url}${CONSOLE_PATH}/`).catch(() => undefined);
    if (mllp !== undefined && config.mllp !== undefined) io.stderr.write(`MLLP listener on ${config.mllp.host}:${mllp.port} (source: ${config.mllp.source})\n`);
    if (lake.devIssuer !== undefined)
      io.stderr.write(`dev OIDC issuer ${lake.devIssuer.issuer}; get a token with:\n  ${tokenCommandLine(config.dataDir, server.url)}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await stopAll();
    return 0;
  },
};
