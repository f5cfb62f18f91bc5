import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PolicyConfigError, readValidationPolicies, type ValidationPolicies } from '@hcdl/core';
import { type IdentityPolicy, identityPolicyFromJson, SETTINGS, ValidationError } from '@hcdl/lake';
import { type MllpLimits, readMllpLimits } from '../mllp/limits';

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
  dedupInProgressSeconds: number;
  logLevel: string;
  /** MLLP listener (off unless HCDL_MLLP_PORT is set); all its messages go to one source. */
  mllp?: { host: string; port: number; source: string; limits: MllpLimits };
  /** Crash tests only (HCDL_FAILPOINTS): points where the lake stops and waits to be killed. */
  failpoints: string[];
  /** The staging pool: worker threads, per-message limits, events kept in memory. */
  staging: { threads: number; timeoutMs: number; memoryMb: number; backlog: number; retryMs: number };
  /** Which patient identifiers link, per source (HCDL_IDENTITY_POLICY); absent: the shipped policy. */
  identityPolicy?: IdentityPolicy;
  /** The validation policy of each source (docs/adr/0013). */
  validation: ValidationPolicies;
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

/** HCDL_IDENTITY_POLICY: inline JSON, or the path of a JSON file (relative to the working directory). */
function identityPolicy(env: NodeJS.ProcessEnv): IdentityPolicy | undefined {
  const name = SETTINGS.identityPolicy.env;
  const v = env[name]?.trim();
  if (v === undefined || v === '') return undefined;
  let text = v;
  if (!v.startsWith('{')) {
    try {
      text = readFileSync(path.resolve(v), 'utf8');
    } catch (err) {
      throw new ConfigError(`${name} names a file that cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  try {
    return identityPolicyFromJson(text);
  } catch (err) {
    if (err instanceof ValidationError) throw new ConfigError(`${name}: ${err.message}`);
    throw err;
  }
}

/** HCDL_VALIDATION_POLICY_FILE, then HCDL_VALIDATION_POLICY and HCDL_VALIDATION_POLICY_BY_SOURCE over it. */
function validationOf(env: NodeJS.ProcessEnv): ValidationPolicies {
  const S = SETTINGS;
  const file = env[S.validationPolicyFile.env];
  let json: string | undefined;
  if (file !== undefined && file !== '') {
    try {
      json = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${S.validationPolicyFile.env}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  try {
    return readValidationPolicies({ defaultText: env[S.validationPolicy.env], bySourceText: env[S.validationPolicyBySource.env], json });
  } catch (err) {
    if (err instanceof PolicyConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/** The levels Powertools' Logger knows; anything else is refused at start (a typo would log nothing or everything). */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

function logLevelOf(env: NodeJS.ProcessEnv, fallback: string): string {
  const v = env[SETTINGS.logLevel.env];
  if (v === undefined || v === '') return fallback;
  const level = v.trim().toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`${SETTINGS.logLevel.env} must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** `defaults.logLevel`: the level when HCDL_LOG_LEVEL is not set (commands that print results use WARN). */
export function readConfig(env: NodeJS.ProcessEnv = process.env, defaults: { logLevel?: string } = {}): LocalConfig {
  const S = SETTINGS;
  const port = int(env, S.port.env, S.port.default);
  const host = env[S.host.env] ?? S.host.default;
  const publicUrl = (env[S.publicUrl.env] ?? `http://localhost:${port}`).replace(/\/$/, '');
  const issuer = env[S.oidcIssuer.env];
  const jwksUrl = env[S.oidcJwksUrl.env];
  const oidc: LocalConfig['oidc'] = { issuer: issuer ?? `${publicUrl}/oidc`, audience: env[S.oidcAudience.env] ?? S.oidcAudience.default };
  if (jwksUrl) oidc.jwksUrl = jwksUrl;
  if (issuer && !jwksUrl) throw new ConfigError(`${S.oidcIssuer.env} needs ${S.oidcJwksUrl.env} (the issuer's JWKS endpoint)`);
  let mllp: LocalConfig['mllp'];
  const mllpPort = env[S.mllpPort.env];
  if (mllpPort !== undefined && mllpPort !== '') {
    const source = env[S.mllpSource.env] ?? '';
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(source))
      throw new ConfigError(
        `${S.mllpPort.env} needs ${S.mllpSource.env}, the source id its messages are recorded under (1-64 letters, digits, ".", "_" or "-")`,
      );
    const maxBodyBytes = int(env, S.maxBodyBytes.env, S.maxBodyBytes.default, 1);
    mllp = { host: env[S.mllpHost.env] ?? host, port: int(env, S.mllpPort.env, 0), source, limits: readMllpLimits(env, maxBodyBytes) };
  }
  const policy = identityPolicy(env);
  return {
    ...(mllp !== undefined ? { mllp } : {}),
    ...(policy !== undefined ? { identityPolicy: policy } : {}),
    port,
    host,
    dataDir: path.resolve(env[S.dataDir.env] ?? S.dataDir.default),
    publicUrl,
    oidc,
    maxBodyBytes: int(env, S.maxBodyBytes.env, S.maxBodyBytes.default, 1),
    dedupWindowSeconds: int(env, S.dedupWindowSeconds.env, S.dedupWindowSeconds.default, 1),
    dedupInProgressSeconds: int(env, S.dedupInProgressSeconds.env, S.dedupInProgressSeconds.default, 1),
    logLevel: logLevelOf(env, defaults.logLevel ?? S.logLevel.default),
    failpoints: (env[S.failpoints.env] ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== ''),
    staging: {
      threads: int(env, S.stagingThreads.env, os.availableParallelism(), 1),
      timeoutMs: int(env, S.stagingTimeoutMs.env, S.stagingTimeoutMs.default, 1),
      memoryMb: int(env, S.stagingMemoryMb.env, S.stagingMemoryMb.default, 16),
      backlog: int(env, S.stagingBacklog.env, S.stagingBacklog.default, 1),
      retryMs: int(env, S.stagingRetryMs.env, S.stagingRetryMs.default, 1),
    },
    validation: validationOf(env),
  };
}
