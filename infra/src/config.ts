/** What one deployment of HCDL looks like. Built by env.ts from the process environment. */

export const DeploymentEnv = { Dev: 'dev', Prod: 'prod' } as const;
export type DeploymentEnv = (typeof DeploymentEnv)[keyof typeof DeploymentEnv];

/** Remote Terraform state in S3, locked either by a DynamoDB table or by S3's native lock file. */
export interface StateBackendConfig {
  bucket: string;
  region: string;
  /** DynamoDB lock table; when absent the S3 native lock file (`use_lockfile`, Terraform >= 1.10) is used. */
  lockTable?: string;
  /** Prefix of every state key: `<keyPrefix>/<env>/<stack>.tfstate`. */
  keyPrefix: string;
}

export interface InfraConfig {
  env: DeploymentEnv;
  region: string;
  /** Undefined: local state files (`terraform.<env>.<stack>.tfstate` beside cdktf.json). */
  stateBackend?: StateBackendConfig;
  /** Age in days after which raw/ objects move to a cheaper storage class. */
  rawTransitionDays: number;
  /** Storage class raw/ objects move to. */
  rawTransitionStorageClass: 'STANDARD_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR';
  /** CloudWatch log retention of every log group. */
  logRetentionDays: number;
  /** Known sources (partition projection enum); empty: `source` is injected and queries must name it. */
  sources: readonly string[];
  /** API Gateway stage throttling. */
  throttle: { rateLimit: number; burstLimit: number };
  /**
   * Folder holding prebuilt bundles as `<name>/dist/index.mjs` (e.g. a CI artifact); undefined:
   * the repository's functions/, built on demand.
   */
  bundlesDir?: string;
  /** Where every CloudWatch alarm notifies (and notifies recovery), e.g. an on-call SNS topic. */
  alarmActions: readonly string[];
}

/** Per-environment defaults: prod keeps data (deletion protection, retain) and logs longer. */
export function defaultsFor(env: DeploymentEnv): Pick<InfraConfig, 'rawTransitionDays' | 'logRetentionDays' | 'throttle'> {
  return env === DeploymentEnv.Prod
    ? { rawTransitionDays: 30, logRetentionDays: 365, throttle: { rateLimit: 200, burstLimit: 400 } }
    : { rawTransitionDays: 30, logRetentionDays: 14, throttle: { rateLimit: 20, burstLimit: 40 } };
}

/** Resource names: every name is prefixed `hcdl-<env>-` so dev and prod live side by side. */
export function resourceName(env: DeploymentEnv, name: string): string {
  return `hcdl-${env}-${name}`;
}

/** Whether resources holding data are protected from deletion (prod) or disposable (dev). */
export function isProtected(env: DeploymentEnv): boolean {
  return env === DeploymentEnv.Prod;
}
