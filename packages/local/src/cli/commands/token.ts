import type { Command } from 'commander';
import { ConfigError, readConfig } from '../../runtime/env';
import { openLakeIssuer } from '../dev-token';
import { CliUsageError } from '../errors';
import { type CliContext, type CommandSpec, integer } from '../kit';
import { runNamed } from '../main';
import type { CliIo } from './io';

const DETAILS = `
Prints a JWT signed by the embedded dev issuer of a lake's data folder (its key is
<data dir>/oidc/signing-key.json, made when the lake first starts). <sources> is a
comma-separated list of source ids, or * for all; omit a flag to grant nothing.
Refuses (exit 1) a data folder no lake has run on, unless --new-key; with --url, refuses a
lake that signs with another key, and signs for the issuer that lake announces. The lake
prints this command, filled in, when it starts. Exit status: 0 printed, 1 refused, 2 usage,
3 no lake answers at --url.`;

/** `hcdl token`: a signed JWT from the embedded dev issuer, for local use. */
export const tokenCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .option('--write <sources>', 'sources the token may submit for (custom:write)')
      .option('--read <sources>', 'sources the token may read (custom:read)')
      .option('--sub <name>', 'subject', 'local-user')
      .option('--ttl <seconds>', 'lifetime in seconds', integer(1), 3600)
      .option('--data-dir <dir>', "the lake's data folder (HCDL_DATA_DIR, default .lake)")
      .option('--url <url>', 'the running lake: check it uses this key, sign for its issuer')
      .option('--new-key', 'create the key when the data folder has none')
      .addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, _args, opts) {
    let config;
    try {
      config = readConfig(opts.dataDir === undefined ? env : { ...env, HCDL_DATA_DIR: opts.dataDir as string });
    } catch (err) {
      if (err instanceof ConfigError) throw new CliUsageError(err.message, { cause: err });
      throw err;
    }
    if (config.oidc.jwksUrl !== undefined) throw new CliUsageError('the lake is configured for an external OIDC issuer; get tokens from it');
    const issuer = await openLakeIssuer({
      dataDir: config.dataDir,
      ...(opts.url !== undefined ? { url: opts.url as string } : {}),
      issuer: config.oidc.issuer,
      audience: config.oidc.audience,
      newKey: opts.newKey === true,
    });
    const claims: Parameters<typeof issuer.sign>[0] = { sub: opts.sub as string, ttlSeconds: opts.ttl as number };
    if (opts.write !== undefined) claims.write = opts.write as string;
    if (opts.read !== undefined) claims.read = opts.read as string;
    io.stdout.write(`${await issuer.sign(claims)}\n`);
    return 0;
  },
};

/** `hcdl token <args>` in this process (tests, other tools). */
export const runToken = (args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> => runNamed('token', args, io, env);
