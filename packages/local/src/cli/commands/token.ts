import { parseArgs } from 'node:util';
import { readConfig } from '../../runtime/env';
import { openDevIssuer } from '../../runtime/dev-issuer';
import type { CliIo } from './io';

export const TOKEN_USAGE = `usage: hcdl token --write <sources> --read <sources> [--sub <name>] [--ttl <seconds>]
  Prints a JWT signed by the lake's embedded dev issuer (keys in HCDL_DATA_DIR).
  <sources> is a comma-separated list of source ids, or * for all; omit a flag to grant nothing.`;

/** `hcdl token`: a signed JWT from the embedded dev issuer, for local use. */
export async function runToken(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { write: { type: 'string' }, read: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (err) {
    io.stderr.write(`hcdl token: ${(err as Error).message}\n${TOKEN_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${TOKEN_USAGE}\n`);
    return 0;
  }
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) {
    io.stderr.write(`hcdl token: --ttl must be a positive number of seconds\n`);
    return 2;
  }
  const config = readConfig();
  if (config.oidc.jwksUrl !== undefined) {
    io.stderr.write('hcdl token: the lake is configured for an external OIDC issuer; get tokens from it\n');
    return 2;
  }
  const issuer = await openDevIssuer(config.dataDir, config.oidc.issuer, config.oidc.audience);
  const claims: Parameters<typeof issuer.sign>[0] = { sub: values.sub ?? 'local-user', ttlSeconds: ttl };
  if (values.write !== undefined) claims.write = values.write;
  if (values.read !== undefined) claims.read = values.read;
  io.stdout.write(`${await issuer.sign(claims)}\n`);
  return 0;
}
