/**
 * Every setting of the lake that is read from the environment: its variable and, where it
 * has one, its default. Declared once here and read by the local runtime's env.ts, the
 * Lambda functions' env.ts (through @hcdl/aws readLambdaEnv) and the CDKTF stacks that set
 * the variables, so a name or a default cannot drift between them.
 */
export const SETTINGS = {
  /** Largest accepted request body (and MLLP frame), in bytes. */
  maxBodyBytes: { env: 'HCDL_MAX_BODY_BYTES', default: 10 * 1024 * 1024 },
  /** How long a message's content hash refuses a resend from the same source, in seconds. */
  dedupWindowSeconds: { env: 'HCDL_DEDUP_WINDOW_SECONDS', default: 365 * 24 * 3600 },
  /** Powertools log level: TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL or SILENT. */
  logLevel: { env: 'HCDL_LOG_LEVEL', default: 'INFO' },

  // Local runtime (hcdl serve)
  port: { env: 'HCDL_PORT', default: 8080 },
  host: { env: 'HCDL_HOST', default: '127.0.0.1' },
  dataDir: { env: 'HCDL_DATA_DIR', default: '.lake' },
  publicUrl: { env: 'HCDL_PUBLIC_URL' },
  oidcIssuer: { env: 'HCDL_OIDC_ISSUER' },
  oidcAudience: { env: 'HCDL_OIDC_AUDIENCE', default: 'hcdl' },
  oidcJwksUrl: { env: 'HCDL_OIDC_JWKS_URL' },
  mllpPort: { env: 'HCDL_MLLP_PORT' },
  mllpHost: { env: 'HCDL_MLLP_HOST' },
  mllpSource: { env: 'HCDL_MLLP_SOURCE' },
  /** Crash tests only: comma-separated failpoints where the lake stops and waits to be killed (refine.committed). */
  failpoints: { env: 'HCDL_FAILPOINTS' },

  // AWS resources (set on each Lambda by the CDKTF stacks)
  region: { env: 'AWS_REGION' },
  lakeBucket: { env: 'HCDL_LAKE_BUCKET' },
  kmsKeyId: { env: 'HCDL_KMS_KEY_ID' },
  catalogTable: { env: 'HCDL_CATALOG_TABLE' },
  idempotencyTable: { env: 'HCDL_IDEMPOTENCY_TABLE' },
  hubTopicArn: { env: 'HCDL_HUB_TOPIC_ARN' },
  /** `true` on the functions that write the catalog: writes are mirrored under catalog/ for Athena. */
  catalogMirror: { env: 'HCDL_CATALOG_MIRROR' },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The environment variable of a setting. */
export const envName = (setting: SettingName): string => SETTINGS[setting].env;
