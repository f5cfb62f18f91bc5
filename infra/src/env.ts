import path from 'node:path';
import {
  AuditTrail,
  defaultsFor,
  ENV_NAME_PATTERN,
  type InfraConfig,
  PRODUCTION_ENV,
  RAW_STORAGE_CLASSES,
  REGION_PATTERN,
  type RawStorageClass,
} from './config';
import { CONSOLE_ORIGIN, defaultEnvDir, type EnvFile, readEnvFile } from './env-file';
import { InfraConfigError } from './errors';
import { readPolicies } from './policies';

type Env = Record<string, string | undefined>;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new InfraConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[]): T | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  if (!(values as readonly string[]).includes(raw)) throw new InfraConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

export interface LoadInfraConfigOptions {
  /** The environment variables; default `process.env`. */
  environment?: Env;
  /** cdktf context: `hcdlEnv` names the environment when HCDL_ENV is not set. */
  context?: { env?: string | undefined };
  /** Folder of the per-environment files; default infra/env. */
  envDir?: string;
}

/** The state backend: TF_STATE_* variables first, then the file's `stateBackend`. */
function stateBackendOf(env: Env, file: EnvFile | undefined, region: string): InfraConfig['stateBackend'] {
  const fromFile = file?.stateBackend;
  const bucket = nonEmpty(env.TF_STATE_BUCKET) ?? fromFile?.bucket;
  const lockTable = nonEmpty(env.TF_STATE_LOCK_TABLE) ?? fromFile?.lockTable;
  if (bucket === undefined) {
    if (lockTable !== undefined) throw new InfraConfigError('TF_STATE_LOCK_TABLE is set without TF_STATE_BUCKET');
    return undefined;
  }
  return {
    bucket,
    region: nonEmpty(env.TF_STATE_REGION) ?? fromFile?.region ?? region,
    keyPrefix: nonEmpty(env.TF_STATE_KEY_PREFIX) ?? fromFile?.keyPrefix ?? 'hcdl',
    ...(lockTable !== undefined ? { lockTable } : {}),
  };
}

/**
 * The only place the infra app reads the environment. The environment's name comes from
 * HCDL_ENV (or the cdktf context `hcdlEnv`; default `dev`); its settings from
 * infra/env/<name>.json when there is one, each overridden by its variable: AWS_REGION,
 * TF_STATE_BUCKET (+ TF_STATE_LOCK_TABLE, TF_STATE_REGION, TF_STATE_KEY_PREFIX),
 * HCDL_RAW_TRANSITION_DAYS, HCDL_RAW_STORAGE_CLASS, HCDL_LOG_RETENTION_DAYS, HCDL_SOURCES,
 * HCDL_API_RATE_LIMIT, HCDL_API_BURST_LIMIT, HCDL_ALARM_EMAILS, HCDL_ALARM_ACTIONS,
 * HCDL_AUDIT_TRAIL, HCDL_AUDIT_LOG_RETENTION_DAYS, HCDL_RAW_OBJECT_LOCK_DAYS, HCDL_UPLOAD_MAX_BYTES,
 * HCDL_CONSOLE_ORIGINS; and
 * HCDL_BUNDLES_DIR (prebuilt bundles). A protected environment (`prod`, or `"protected": true`)
 * is refused without remote state.
 */
export function loadInfraConfig(options: LoadInfraConfigOptions = {}): InfraConfig {
  const env = options.environment ?? process.env;
  const name = nonEmpty(env.HCDL_ENV) ?? nonEmpty(options.context?.env) ?? 'dev';
  if (!ENV_NAME_PATTERN.test(name)) {
    throw new InfraConfigError(`HCDL_ENV must match ${ENV_NAME_PATTERN.source} (a lower-case letter, then 1-11 lower-case letters or digits), got "${name}"`);
  }
  const envDir = options.envDir ?? defaultEnvDir();
  const file = readEnvFile(envDir, name);
  if (name === PRODUCTION_ENV && file?.protected === false)
    throw new InfraConfigError(`environment "${PRODUCTION_ENV}" is always protected: remove "protected": false`);
  const isProtected = name === PRODUCTION_ENV || file?.protected === true;
  const defaults = defaultsFor(isProtected);

  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? file?.region ?? 'us-east-1';
  if (!REGION_PATTERN.test(region)) throw new InfraConfigError(`AWS_REGION must be an AWS region such as eu-west-1, got "${region}"`);
  const rawObjectLockDays = positiveInt(env, 'HCDL_RAW_OBJECT_LOCK_DAYS') ?? file?.rawObjectLockDays;
  const consoleOrigins = list(env.HCDL_CONSOLE_ORIGINS) ?? file?.consoleOrigins;
  const badOrigin = consoleOrigins?.find((o) => !CONSOLE_ORIGIN.test(o));
  if (badOrigin !== undefined)
    throw new InfraConfigError(`HCDL_CONSOLE_ORIGINS must hold https origins such as https://console.example.org, got "${badOrigin}"`);

  const config: InfraConfig = {
    env: name,
    protected: isProtected,
    region,
    rawTransitionDays: positiveInt(env, 'HCDL_RAW_TRANSITION_DAYS') ?? file?.rawTransitionDays ?? defaults.rawTransitionDays,
    rawTransitionStorageClass: oneOf<RawStorageClass>(env, 'HCDL_RAW_STORAGE_CLASS', RAW_STORAGE_CLASSES) ?? file?.rawTransitionStorageClass ?? 'STANDARD_IA',
    logRetentionDays: positiveInt(env, 'HCDL_LOG_RETENTION_DAYS') ?? file?.logRetentionDays ?? defaults.logRetentionDays,
    sources: list(env.HCDL_SOURCES) ?? file?.sources ?? [],
    alarmEmails: list(env.HCDL_ALARM_EMAILS) ?? file?.alarmEmails ?? [],
    alarmActions: list(env.HCDL_ALARM_ACTIONS) ?? file?.alarmActions ?? [],
    throttle: {
      rateLimit: positiveInt(env, 'HCDL_API_RATE_LIMIT') ?? file?.throttle?.rateLimit ?? defaults.throttle.rateLimit,
      burstLimit: positiveInt(env, 'HCDL_API_BURST_LIMIT') ?? file?.throttle?.burstLimit ?? defaults.throttle.burstLimit,
    },
    audit: {
      trail: oneOf(env, 'HCDL_AUDIT_TRAIL', [AuditTrail.Stack, AuditTrail.Organization]) ?? file?.auditTrail ?? AuditTrail.Stack,
      logRetentionDays: positiveInt(env, 'HCDL_AUDIT_LOG_RETENTION_DAYS') ?? file?.auditLogRetentionDays ?? defaults.auditLogRetentionDays,
    },
    ...(rawObjectLockDays !== undefined ? { rawObjectLock: { retentionDays: rawObjectLockDays } } : {}),
    ...(consoleOrigins !== undefined && consoleOrigins.length > 0 ? { consoleOrigins } : {}),
    fileDrop: file?.fileDrop ?? {},
    uploadMaxBytes: positiveInt(env, 'HCDL_UPLOAD_MAX_BYTES') ?? file?.uploadMaxBytes ?? 100 * 1024 * 1024,
  };
  if (file?.policies !== undefined) config.policies = readPolicies(file.policies, envDir, path.join(envDir, `${name}.json`));
  if (file?.mllp !== undefined) {
    const m = file.mllp;
    const ports = m.listeners.map((l) => l.port);
    if (new Set(ports).size !== ports.length) throw new InfraConfigError('mllp.listeners: each listener needs its own port');
    config.mllp = { ...m, internal: m.internal ?? true, minTasks: m.minTasks ?? 2, maxTasks: m.maxTasks ?? 6 };
    if (config.mllp.maxTasks < config.mllp.minTasks) throw new InfraConfigError('mllp.maxTasks must be at least mllp.minTasks');
  }
  const badTarget = config.alarmActions.find((arn) => !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(arn));
  if (badTarget !== undefined) throw new InfraConfigError(`HCDL_ALARM_ACTIONS must hold ARNs, got "${badTarget}"`);
  const badEmail = config.alarmEmails.find((address) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address));
  if (badEmail !== undefined) throw new InfraConfigError(`HCDL_ALARM_EMAILS must hold email addresses, got "${badEmail}"`);
  const bundlesDir = nonEmpty(env.HCDL_BUNDLES_DIR);
  if (bundlesDir !== undefined) config.bundlesDir = path.resolve(bundlesDir);
  const backend = stateBackendOf(env, file, region);
  if (backend !== undefined) config.stateBackend = backend;
  else if (isProtected) {
    throw new InfraConfigError(
      `environment "${name}" is protected and needs remote state: set TF_STATE_BUCKET (or "stateBackend" in infra/env/${name}.json); local state is refused`,
    );
  }
  return config;
}
