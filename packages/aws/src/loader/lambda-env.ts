/**
 * The Lambda functions' configuration: one reader shared by every function. It never touches
 * `process.env` itself; each function's `src/env.ts` passes the environment in (the only
 * place a process reads it), with the settings that function cannot run without.
 */

import { SETTINGS } from '@hcdl/lake';
import { AwsAdapterConfigError } from '../errors';

/** Environment variable of each setting a Lambda reads (names and defaults: SETTINGS in @hcdl/lake). */
export const LAMBDA_ENV = {
  region: SETTINGS.region.env,
  lakeBucket: SETTINGS.lakeBucket.env,
  kmsKeyId: SETTINGS.kmsKeyId.env,
  catalogTable: SETTINGS.catalogTable.env,
  idempotencyTable: SETTINGS.idempotencyTable.env,
  hubTopicArn: SETTINGS.hubTopicArn.env,
  dedupWindowSeconds: SETTINGS.dedupWindowSeconds.env,
  maxBodyBytes: SETTINGS.maxBodyBytes.env,
  logLevel: SETTINGS.logLevel.env,
  /** `true` on the functions that write the catalog: catalogFor mirrors catalog writes under catalog/ (needs HCDL_LAKE_BUCKET). */
  catalogMirror: SETTINGS.catalogMirror.env,
  maxBatchMessages: SETTINGS.maxBatchMessages.env,
  submitConcurrency: SETTINGS.submitConcurrency.env,
  uploadMaxBytes: SETTINGS.uploadMaxBytes.env,
  largeObjectBytes: SETTINGS.largeObjectBytes.env,
  fileDropSources: SETTINGS.fileDropSources.env,
  stagingDlqUrl: SETTINGS.stagingDlqUrl.env,
  resumeAfterMinutes: SETTINGS.resumeAfterMinutes.env,
  metricsNamespace: SETTINGS.metricsNamespace.env,
  resourceTable: SETTINGS.resourceTable.env,
  refinedBusName: SETTINGS.refinedBusName.env,
} as const;

/** Endpoint overrides (tests against loopback S3/DynamoDB-compatible servers, LocalStack). */
export const ENDPOINT_ENV = {
  s3: 'HCDL_AWS_ENDPOINT_S3',
  dynamodb: 'HCDL_AWS_ENDPOINT_DYNAMODB',
  sns: 'HCDL_AWS_ENDPOINT_SNS',
  sqs: 'HCDL_AWS_ENDPOINT_SQS',
  eventbridge: 'HCDL_AWS_ENDPOINT_EVENTBRIDGE',
} as const;

/** Log levels of Powertools Logger (HCDL_LOG_LEVEL, any case). */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LambdaLogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DEDUP_WINDOW_SECONDS = SETTINGS.dedupWindowSeconds.default;
export const DEFAULT_MAX_BODY_BYTES = SETTINGS.maxBodyBytes.default;

/** Settings a function may declare it needs (the rest are optional or have defaults). */
export type ResourceSetting =
  | 'lakeBucket'
  | 'kmsKeyId'
  | 'catalogTable'
  | 'idempotencyTable'
  | 'hubTopicArn'
  | 'stagingDlqUrl'
  | 'resourceTable'
  | 'refinedBusName';

export interface AwsEndpoints {
  s3?: string;
  dynamodb?: string;
  sns?: string;
  sqs?: string;
  eventbridge?: string;
}

export interface LambdaEnv {
  region: string;
  lakeBucket?: string;
  kmsKeyId?: string;
  catalogTable?: string;
  idempotencyTable?: string;
  hubTopicArn?: string;
  stagingDlqUrl?: string;
  resourceTable?: string;
  refinedBusName?: string;
  dedupWindowSeconds: number;
  maxBodyBytes: number;
  /** Most messages one request may hold; absent: no cap. */
  maxBatchMessages?: number;
  submitConcurrency: number;
  uploadMaxBytes: number;
  /** Redirect objects above this size to a presigned GET; absent: answer inline. */
  largeObjectBytes?: number;
  fileDropSources: string[];
  resumeAfterMinutes: number;
  metricsNamespace: string;
  logLevel: LambdaLogLevel;
  /** Mirror catalog writes as NDJSON under catalog/ of the lake bucket (HCDL_CATALOG_MIRROR=true); absent when off. */
  catalogMirror?: true;
  endpoints: AwsEndpoints;
}

/** A LambdaEnv whose required settings are known to be present. */
export type LambdaEnvWith<K extends ResourceSetting> = LambdaEnv & { [P in K]-?: string };

/**
 * Missing or malformed configuration; the message names the variable(s), never a value.
 * `variable` is the variable at fault (several joined by ', '), `variables` lists them.
 */
export class LambdaConfigError extends AwsAdapterConfigError {
  readonly variable: string;
  readonly variables: readonly string[];
  constructor(variable: string | readonly string[], message: string) {
    super(message);
    this.name = 'LambdaConfigError';
    this.variables = typeof variable === 'string' ? [variable] : [...variable];
    this.variable = this.variables.join(', ');
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const v = text(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new LambdaConfigError(name, `${name} must be a positive integer`);
  return n;
}

function endpoint(env: Env, name: string): string | undefined {
  const v = text(env, name);
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new LambdaConfigError(name, `${name} must be an http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LambdaConfigError(name, `${name} must be an http(s) URL`);
  return v;
}

function flag(env: Env, name: string): boolean {
  const v = text(env, name)?.toLowerCase();
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new LambdaConfigError(name, `${name} must be true or false`);
}

function logLevel(env: Env, name: string): LambdaLogLevel {
  const v = text(env, name)?.toUpperCase();
  if (v === undefined) return SETTINGS.logLevel.default;
  const level = LOG_LEVELS.find((l) => l === v);
  if (level === undefined) throw new LambdaConfigError(name, `${name} must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;

/**
 * Reads and validates the configuration. Every setting listed in `required` must be set;
 * ARNs must look like ARNs; numbers must be positive integers. All problems are reported at
 * once, each naming its variable.
 */
export function readLambdaEnv<K extends ResourceSetting>(env: Env, required: readonly K[]): LambdaEnvWith<K> {
  const problems: LambdaConfigError[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (err instanceof LambdaConfigError) problems.push(err);
      else throw err;
      return undefined;
    }
  };
  const region = text(env, LAMBDA_ENV.region);
  if (region === undefined) problems.push(new LambdaConfigError(LAMBDA_ENV.region, `${LAMBDA_ENV.region} is not set`));
  const out: LambdaEnv = {
    region: region ?? '',
    dedupWindowSeconds: attempt(() => positiveInt(env, LAMBDA_ENV.dedupWindowSeconds, DEFAULT_DEDUP_WINDOW_SECONDS)) ?? DEFAULT_DEDUP_WINDOW_SECONDS,
    maxBodyBytes: attempt(() => positiveInt(env, LAMBDA_ENV.maxBodyBytes, DEFAULT_MAX_BODY_BYTES)) ?? DEFAULT_MAX_BODY_BYTES,
    submitConcurrency: attempt(() => positiveInt(env, LAMBDA_ENV.submitConcurrency, SETTINGS.submitConcurrency.default)) ?? SETTINGS.submitConcurrency.default,
    uploadMaxBytes: attempt(() => positiveInt(env, LAMBDA_ENV.uploadMaxBytes, SETTINGS.uploadMaxBytes.default)) ?? SETTINGS.uploadMaxBytes.default,
    resumeAfterMinutes:
      attempt(() => positiveInt(env, LAMBDA_ENV.resumeAfterMinutes, SETTINGS.resumeAfterMinutes.default)) ?? SETTINGS.resumeAfterMinutes.default,
    metricsNamespace: text(env, LAMBDA_ENV.metricsNamespace) ?? SETTINGS.metricsNamespace.default,
    fileDropSources: (text(env, LAMBDA_ENV.fileDropSources) ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== ''),
    logLevel: attempt(() => logLevel(env, LAMBDA_ENV.logLevel)) ?? 'INFO',
    endpoints: {},
  };
  for (const key of Object.keys(ENDPOINT_ENV) as (keyof AwsEndpoints)[]) {
    const v = attempt(() => endpoint(env, ENDPOINT_ENV[key]));
    if (v !== undefined) out.endpoints[key] = v;
  }
  for (const key of ['maxBatchMessages', 'largeObjectBytes'] as const) {
    if (text(env, LAMBDA_ENV[key]) === undefined) continue;
    const v = attempt(() => positiveInt(env, LAMBDA_ENV[key], 0));
    if (v !== undefined) out[key] = v;
  }
  const resources: ResourceSetting[] = [
    'lakeBucket',
    'kmsKeyId',
    'catalogTable',
    'idempotencyTable',
    'hubTopicArn',
    'stagingDlqUrl',
    'resourceTable',
    'refinedBusName',
  ];
  for (const key of resources) {
    const name = LAMBDA_ENV[key];
    const v = text(env, name);
    if (v === undefined) {
      if ((required as readonly ResourceSetting[]).includes(key)) problems.push(new LambdaConfigError(name, `${name} is not set`));
      continue;
    }
    if (key === 'hubTopicArn' && !ARN.test(v)) {
      problems.push(new LambdaConfigError(name, `${name} must be an ARN`));
      continue;
    }
    if (key === 'stagingDlqUrl' && attempt(() => endpoint(env, name)) === undefined) continue;
    out[key] = v;
  }
  if (attempt(() => flag(env, LAMBDA_ENV.catalogMirror)) === true) out.catalogMirror = true;
  if (out.catalogMirror === true && out.lakeBucket === undefined && !problems.some((p) => p.variables.includes(LAMBDA_ENV.lakeBucket))) {
    problems.push(new LambdaConfigError(LAMBDA_ENV.lakeBucket, `${LAMBDA_ENV.lakeBucket} is not set (${LAMBDA_ENV.catalogMirror} needs the lake bucket)`));
  }
  if (problems.length === 1) throw problems[0] as LambdaConfigError;
  if (problems.length > 1) {
    throw new LambdaConfigError(
      problems.flatMap((p) => p.variables),
      `configuration errors: ${problems.map((p) => p.message).join('; ')}`,
    );
  }
  return out as LambdaEnvWith<K>;
}
