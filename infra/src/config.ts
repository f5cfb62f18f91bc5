import type { PoliciesConfig } from './policies';

/** What one deployment of HCDL looks like. Built by env.ts from infra/env/<name>.json and the process environment. */

/**
 * Environment names: a lower-case letter, then 1 to 11 lower-case letters or digits (`dev`,
 * `qa`, `prod`, `pr1234`). No dash: every name is `hcdl-<env>-…`, and an IAM pattern such as
 * `hcdl-dev-*` must not also match the resources of an environment called `dev-eu`. At most
 * 12 characters keeps the longest name (`hcdl-<env>-<region>-raw-vault-replication`, an IAM
 * role) within IAM's 64.
 */
export const ENV_NAME_PATTERN = /^[a-z][a-z0-9]{1,11}$/;

/** The environment that is always protected, whatever its file says. */
export const PRODUCTION_ENV = 'prod';

/** AWS region names (`eu-west-1`, `us-gov-west-1`, `ap-southeast-2`). */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const RAW_STORAGE_CLASSES = ['STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'] as const;
export type RawStorageClass = (typeof RAW_STORAGE_CLASSES)[number];

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * Where the CloudTrail data events of the lake's bucket and tables are recorded: a trail of
 * the `core` stack, or the organization's trail (set up by the organization's management or
 * delegated administrator account, with the selectors docs/compliance.md lists).
 */
export const AuditTrail = { Stack: 'stack', Organization: 'organization' } as const;
export type AuditTrail = (typeof AuditTrail)[keyof typeof AuditTrail];

/** Remote Terraform state in S3, locked either by a DynamoDB table or by S3's native lock file. */
export interface StateBackendConfig {
  bucket: string;
  region: string;
  /** DynamoDB lock table; when absent the S3 native lock file (`use_lockfile`, Terraform >= 1.10) is used. */
  lockTable?: string;
  /** Prefix of every state key: `<keyPrefix>/<env>/<region>/<stack>.tfstate`. */
  keyPrefix: string;
}

export interface InfraConfig {
  env: string;
  /**
   * Data survives mistakes: retained buckets, deletion-protected tables and user pool, 30-day
   * key deletion window, and synth refuses to run on local state. Always true for `prod`.
   */
  protected: boolean;
  region: string;
  /** Undefined: local state files (`terraform.<env>.<region>.<stack>.tfstate` beside cdktf.json). */
  stateBackend?: StateBackendConfig;
  /** Age in days after which raw/ objects move to a cheaper storage class. */
  rawTransitionDays: number;
  /** Storage class raw/ objects move to. */
  rawTransitionStorageClass: RawStorageClass;
  /** CloudWatch log retention of every log group. */
  logRetentionDays: number;
  /** Known sources (partition projection enum); empty: `source` is injected and queries must name it. */
  sources: readonly string[];
  /** API Gateway stage throttling. */
  throttle: { rateLimit: number; burstLimit: number };
  /**
   * Origins (`https://console.example.org`) of web consoles hosted apart from the API
   * (docs/console.md): the HTTP API answers their CORS preflight and lets them call it with a
   * bearer token. Undefined or empty: no CORS configuration.
   */
  consoleOrigins?: readonly string[];
  /**
   * Folder holding prebuilt bundles as `<name>/dist/index.mjs` (e.g. a CI artifact); undefined:
   * the repository's functions/, built on demand.
   */
  bundlesDir?: string;
  /** Addresses subscribed (by email) to the alarm topic every alarm notifies. */
  alarmEmails: readonly string[];
  /** Further targets (ARNs, e.g. an on-call topic) every alarm notifies besides the alarm topic. */
  alarmActions: readonly string[];
  /** CloudTrail data events and S3 access logs. */
  audit: {
    trail: AuditTrail;
    /** Days the trail's and the access logs' objects are kept. */
    logRetentionDays: number;
  };
  /**
   * Object Lock (governance mode) on a copy of raw/: every raw object is replicated to a vault
   * bucket whose default retention keeps it this many days (docs/adr/0007-raw-zone-object-lock.md).
   * Undefined: no vault.
   */
  rawObjectLock?: { retentionDays: number };
  /**
   * File drop (issue 16): the sources whose files put under `landing/source=<src>/` are
   * ingested, each with the IAM roles of this account allowed to put them (the managed policy
   * `hcdl-<env>-<region>-file-drop-<src>` is attached to each; attach it to other principals
   * by hand). Empty: no file drop (uploads still work).
   */
  fileDrop: Readonly<Record<string, { roles: readonly string[] }>>;
  /** Largest file one presigned upload or file drop may hold, in bytes. */
  uploadMaxBytes: number;
  /** The optional `mllp` stack: MLLP over TLS on ECS Fargate behind a Network Load Balancer. */
  mllp?: MllpConfig;
  /** Identity and validation policies, checked at synth and set on the functions that read them; absent: the shipped ones. */
  policies?: PoliciesConfig;
}

/** One MLLP listener: a port of the load balancer and the source its messages are recorded under. */
export interface MllpListenerConfig {
  port: number;
  source: string;
}

export interface MllpConfig {
  /** The container image (built by scripts/mllp-image.mjs, pushed to a registry the tasks can pull from), by digest or tag. */
  image: string;
  vpcId: string;
  /** Subnets of the load balancer and the tasks (private subnets with a NAT or VPC endpoints; public ones for an internet-facing balancer). */
  subnetIds: readonly string[];
  /** ACM certificate of the TLS listeners. */
  certificateArn: string;
  /** Who may connect (the senders' networks); nobody else reaches the listeners. */
  allowedCidrs: readonly string[];
  listeners: readonly MllpListenerConfig[];
  /** An internal balancer (senders on a VPN or Direct Connect) unless `false`. */
  internal: boolean;
  /** Tasks: at least `minTasks`, scaled on CPU up to `maxTasks`. */
  minTasks: number;
  maxTasks: number;
}

/** What an environment gets when its file and the environment variables say nothing. */
export type EnvDefaults = Pick<InfraConfig, 'rawTransitionDays' | 'logRetentionDays' | 'throttle'> & { auditLogRetentionDays: number };

/**
 * Per-environment defaults: a protected environment keeps logs a year and audit logs six
 * years (HIPAA keeps required documentation six years, 45 CFR 164.316(b)(2)), and allows more
 * traffic.
 */
export function defaultsFor(protectedEnv: boolean): EnvDefaults {
  return protectedEnv
    ? { rawTransitionDays: 30, logRetentionDays: 365, throttle: { rateLimit: 200, burstLimit: 400 }, auditLogRetentionDays: 2192 }
    : { rawTransitionDays: 30, logRetentionDays: 14, throttle: { rateLimit: 20, burstLimit: 40 }, auditLogRetentionDays: 90 };
}

/** Regional resource names: every name is prefixed `hcdl-<env>-` so environments live side by side. */
export function resourceName(env: string, name: string): string {
  return `hcdl-${env}-${name}`;
}

/**
 * Names of global resources (IAM roles and policies): `hcdl-<env>-<region>-<name>`, so one
 * environment deployed to two regions of one account does not collide.
 */
export function globalResourceName(env: string, region: string, name: string): string {
  return `hcdl-${env}-${region}-${name}`;
}
