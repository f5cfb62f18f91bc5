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
  /** How long a dedup record left in progress (a crash) blocks its key before a resend may take it over, in seconds (ADR 0014). */
  dedupInProgressSeconds: { env: 'HCDL_DEDUP_IN_PROGRESS_SECONDS', default: 60 },
  /** Powertools log level: TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL or SILENT. */
  logLevel: { env: 'HCDL_LOG_LEVEL', default: 'INFO' },
  /**
   * Patient identity policy (docs/identity.md): inline JSON (starts with `{`) or, locally, the
   * path of a JSON file; unset: the shipped policy.
   */
  identityPolicy: { env: 'HCDL_IDENTITY_POLICY' },
  /** Validation policy of every source not named otherwise: lenient, standard or strict (docs/adr/0013). */
  validationPolicy: { env: 'HCDL_VALIDATION_POLICY', default: 'standard' },
  /** Per-source validation policies, `source=policy` comma separated (they win over the file's). */
  validationPolicyBySource: { env: 'HCDL_VALIDATION_POLICY_BY_SOURCE' },
  /** A JSON file `{ "default": ..., "sources": { "<source>": ... } }` (local lake only; the variables win). */
  validationPolicyFile: { env: 'HCDL_VALIDATION_POLICY_FILE' },

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
  // MLLP listener limits (local listener and the MLLP container; ADR 0014)
  /** A connection with nothing received, sent or owed for this long is closed, in ms. */
  mllpIdleTimeoutMs: { env: 'HCDL_MLLP_IDLE_TIMEOUT_MS', default: 300_000 },
  /** Connections one listener keeps open at once; past it a new connection is closed at once. */
  mllpMaxConnections: { env: 'HCDL_MLLP_MAX_CONNECTIONS', default: 200 },
  /** Bytes one connection may hold (an unfinished frame, frames awaiting their ACK); default: the largest body. */
  mllpMaxConnectionBytes: { env: 'HCDL_MLLP_MAX_CONNECTION_BYTES' },
  /** PEM certificate (chain) file: with HCDL_MLLP_TLS_KEY the listener speaks MLLP over TLS. */
  mllpTlsCert: { env: 'HCDL_MLLP_TLS_CERT' },
  /** PEM private key file of HCDL_MLLP_TLS_CERT. */
  mllpTlsKey: { env: 'HCDL_MLLP_TLS_KEY' },
  /** Staging worker threads (default: the machine's available parallelism). */
  stagingThreads: { env: 'HCDL_STAGING_THREADS' },
  /** Longest one message may take to stage before it goes to the error zone (STAGING_LIMIT), in ms. */
  stagingTimeoutMs: { env: 'HCDL_STAGING_TIMEOUT_MS', default: 30_000 },
  /** Heap of one staging worker, in MB; a message that needs more goes to the error zone (STAGING_LIMIT). */
  stagingMemoryMb: { env: 'HCDL_STAGING_MEMORY_MB', default: 256 },
  /** Staging events kept in memory; past it the catalog is the queue (ingest never waits for staging). */
  stagingBacklog: { env: 'HCDL_STAGING_BACKLOG', default: 10_000 },
  /** A message whose staging failed every attempt (e.g. the disk full) is taken again after this long, in ms, without a restart. */
  stagingRetryMs: { env: 'HCDL_STAGING_RETRY_MS', default: 60_000 },

  // AWS resources (set on each Lambda by the CDKTF stacks)
  region: { env: 'AWS_REGION' },
  lakeBucket: { env: 'HCDL_LAKE_BUCKET' },
  kmsKeyId: { env: 'HCDL_KMS_KEY_ID' },
  catalogTable: { env: 'HCDL_CATALOG_TABLE' },
  idempotencyTable: { env: 'HCDL_IDEMPOTENCY_TABLE' },
  hubTopicArn: { env: 'HCDL_HUB_TOPIC_ARN' },
  /** `true` on the functions that write the catalog: writes are mirrored under catalog/ for Athena. */
  catalogMirror: { env: 'HCDL_CATALOG_MIRROR' },

  // AWS ingest paths (issue 16: docs/deploy.md "Large bodies and bulk input")
  /** Most messages one POST may hold (above: 413, pointing at the upload path); unset: no cap. */
  maxBatchMessages: { env: 'HCDL_MAX_BATCH_MESSAGES' },
  /** Messages of one batch ingested at once. */
  submitConcurrency: { env: 'HCDL_SUBMIT_CONCURRENCY', default: 1 },
  /** Largest file one presigned upload (or file drop) may hold, in bytes. */
  uploadMaxBytes: { env: 'HCDL_UPLOAD_MAX_BYTES', default: 100 * 1024 * 1024 },
  /** Objects read through the API above this size are answered with a presigned GET; unset: always inline. */
  largeObjectBytes: { env: 'HCDL_LARGE_OBJECT_BYTES' },
  /** Sources whose files dropped under landing/source=<src>/ are ingested (comma separated). */
  fileDropSources: { env: 'HCDL_FILE_DROP_SOURCES' },
  /** The staging workflow's dead-letter queue (URL), reconciled by the sweep. */
  stagingDlqUrl: { env: 'HCDL_STAGING_DLQ_URL' },
  /** A row still `ingested` this many minutes after its last change is published again by the sweep. */
  resumeAfterMinutes: { env: 'HCDL_RESUME_AFTER_MINUTES', default: 30 },
  /** CloudWatch namespace of the lake's own metrics (the sweep's, in embedded metric format). */
  metricsNamespace: { env: 'HCDL_METRICS_NAMESPACE', default: 'HCDL' },

  // AWS refined zone (ADR 0011)
  /** The refined zone's DynamoDB resource table (versions, current pointers, outbox). */
  resourceTable: { env: 'HCDL_RESOURCE_TABLE' },
  /** The EventBridge custom bus the refined zone's change events go to. */
  refinedBusName: { env: 'HCDL_REFINED_BUS_NAME' },
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The environment variable of a setting. */
export const envName = (setting: SettingName): string => SETTINGS[setting].env;
