import path from 'node:path';
import { DeploymentEnv, defaultsFor, type InfraConfig } from './config';
import { InfraConfigError } from './errors';

type Env = Record<string, string | undefined>;

const STORAGE_CLASSES = ['STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'] as const;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new InfraConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export interface LoadInfraConfigOptions {
  /** The environment variables; default `process.env`. */
  environment?: Env;
  /** cdktf context: `hcdlEnv` picks dev/prod when HCDL_ENV is not set. */
  context?: { env?: string | undefined };
}

/**
 * The only place the infra app reads the environment:
 * HCDL_ENV (dev|prod, default dev), AWS_REGION (default us-east-1), TF_STATE_BUCKET
 * (+ TF_STATE_LOCK_TABLE, TF_STATE_REGION, TF_STATE_KEY_PREFIX), HCDL_RAW_TRANSITION_DAYS,
 * HCDL_RAW_STORAGE_CLASS, HCDL_LOG_RETENTION_DAYS, HCDL_SOURCES (comma separated),
 * HCDL_API_RATE_LIMIT, HCDL_API_BURST_LIMIT, HCDL_BUNDLES_DIR (prebuilt bundles),
 * HCDL_ALARM_ACTIONS (comma-separated ARNs every alarm notifies).
 */
export function loadInfraConfig(options: LoadInfraConfigOptions = {}): InfraConfig {
  const env = options.environment ?? process.env;
  const envName = nonEmpty(env.HCDL_ENV) ?? nonEmpty(options.context?.env) ?? DeploymentEnv.Dev;
  if (envName !== DeploymentEnv.Dev && envName !== DeploymentEnv.Prod) {
    throw new InfraConfigError(`HCDL_ENV must be "dev" or "prod", got "${envName}"`);
  }
  const defaults = defaultsFor(envName);
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const storageClass = env.HCDL_RAW_STORAGE_CLASS || 'STANDARD_IA';
  if (!(STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    throw new InfraConfigError(`HCDL_RAW_STORAGE_CLASS must be one of ${STORAGE_CLASSES.join(', ')}, got "${storageClass}"`);
  }
  const config: InfraConfig = {
    env: envName,
    region,
    rawTransitionDays: positiveInt(env, 'HCDL_RAW_TRANSITION_DAYS', defaults.rawTransitionDays),
    rawTransitionStorageClass: storageClass as InfraConfig['rawTransitionStorageClass'],
    logRetentionDays: positiveInt(env, 'HCDL_LOG_RETENTION_DAYS', defaults.logRetentionDays),
    sources: list(env.HCDL_SOURCES),
    alarmActions: list(env.HCDL_ALARM_ACTIONS),
    throttle: {
      rateLimit: positiveInt(env, 'HCDL_API_RATE_LIMIT', defaults.throttle.rateLimit),
      burstLimit: positiveInt(env, 'HCDL_API_BURST_LIMIT', defaults.throttle.burstLimit),
    },
  };
  const badTarget = config.alarmActions.find((arn) => !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(arn));
  if (badTarget !== undefined) throw new InfraConfigError(`HCDL_ALARM_ACTIONS must hold ARNs, got "${badTarget}"`);
  const bundlesDir = nonEmpty(env.HCDL_BUNDLES_DIR);
  if (bundlesDir !== undefined) config.bundlesDir = path.resolve(bundlesDir);
  const bucket = env.TF_STATE_BUCKET;
  if (bucket !== undefined && bucket !== '') {
    config.stateBackend = {
      bucket,
      region: env.TF_STATE_REGION || region,
      keyPrefix: env.TF_STATE_KEY_PREFIX || 'hcdl',
      ...(env.TF_STATE_LOCK_TABLE ? { lockTable: env.TF_STATE_LOCK_TABLE } : {}),
    };
  } else if (env.TF_STATE_LOCK_TABLE) {
    throw new InfraConfigError('TF_STATE_LOCK_TABLE is set without TF_STATE_BUCKET');
  }
  return config;
}
