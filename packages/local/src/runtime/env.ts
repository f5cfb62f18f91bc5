import path from 'node:path';

/** Configuration of the local lake: read here, once per process, and nowhere else. */
export interface LocalConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Public base URL of this lake (the dev issuer's `iss` is `<publicUrl>/oidc`). */
  publicUrl: string;
  oidc: { issuer: string; audience: string; jwksUrl?: string };
  maxBodyBytes: number;
  dedupWindowSeconds: number;
  logLevel: string;
  /** MLLP listener (off unless HCDL_MLLP_PORT is set); all its messages go to one source. */
  mllp?: { host: string; port: number; source: string };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer >= ${min}`);
  return n;
}

/** `defaults.logLevel`: the level when HCDL_LOG_LEVEL is not set (commands that print results use WARN). */
export function readConfig(env: NodeJS.ProcessEnv = process.env, defaults: { logLevel?: string } = {}): LocalConfig {
  const port = int(env, 'HCDL_PORT', 8080);
  const host = env.HCDL_HOST ?? '127.0.0.1';
  const publicUrl = (env.HCDL_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const oidc: LocalConfig['oidc'] = {
    issuer: env.HCDL_OIDC_ISSUER ?? `${publicUrl}/oidc`,
    audience: env.HCDL_OIDC_AUDIENCE ?? 'hcdl',
  };
  if (env.HCDL_OIDC_JWKS_URL) oidc.jwksUrl = env.HCDL_OIDC_JWKS_URL;
  if (env.HCDL_OIDC_ISSUER && !env.HCDL_OIDC_JWKS_URL) throw new ConfigError("HCDL_OIDC_ISSUER needs HCDL_OIDC_JWKS_URL (the issuer's JWKS endpoint)");
  let mllp: LocalConfig['mllp'];
  if (env.HCDL_MLLP_PORT !== undefined && env.HCDL_MLLP_PORT !== '') {
    const source = env.HCDL_MLLP_SOURCE ?? '';
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(source))
      throw new ConfigError('HCDL_MLLP_PORT needs HCDL_MLLP_SOURCE, the source id its messages are recorded under (1-64 letters, digits, ".", "_" or "-")');
    mllp = { host: env.HCDL_MLLP_HOST ?? host, port: int(env, 'HCDL_MLLP_PORT', 0), source };
  }
  return {
    ...(mllp !== undefined ? { mllp } : {}),
    port,
    host,
    dataDir: path.resolve(env.HCDL_DATA_DIR ?? '.lake'),
    publicUrl,
    oidc,
    maxBodyBytes: int(env, 'HCDL_MAX_BODY_BYTES', 10 * 1024 * 1024, 1),
    dedupWindowSeconds: int(env, 'HCDL_DEDUP_WINDOW_SECONDS', 365 * 24 * 3600, 1),
    logLevel: env.HCDL_LOG_LEVEL ?? defaults.logLevel ?? 'INFO',
  };
}
