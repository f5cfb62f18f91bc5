import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AuditTrail, ENV_NAME_PATTERN, LOG_RETENTION_DAYS, RAW_STORAGE_CLASSES, REGION_PATTERN } from './config';
import { InfraConfigError } from './errors';

const positiveInt = z.int().positive();
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:/;
/** A web console's origin: https, a host, an optional port, no path. */
export const CONSOLE_ORIGIN = /^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

/**
 * `infra/env/<name>.json`: what an environment is, reviewed like code. Every key is
 * optional; the environment variables of env.ts override them (docs/deploy.md, "Environments").
 */
export const EnvFileSchema = z.strictObject({
  /** Editors' JSON Schema link; ignored. */
  $schema: z.string().optional(),
  description: z.string().optional(),
  protected: z.boolean().optional(),
  region: z.string().regex(REGION_PATTERN, 'an AWS region such as eu-west-1').optional(),
  rawTransitionDays: positiveInt.optional(),
  rawTransitionStorageClass: z.enum(RAW_STORAGE_CLASSES).optional(),
  logRetentionDays: z
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(', ')}`)
    .optional(),
  throttle: z.strictObject({ rateLimit: positiveInt, burstLimit: positiveInt }).optional(),
  consoleOrigins: z.array(z.string().regex(CONSOLE_ORIGIN, 'an https origin such as https://console.example.org (no path)')).optional(),
  sources: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a source id (letters, digits, _ and -)')).optional(),
  alarmEmails: z.array(z.email()).optional(),
  alarmActions: z.array(z.string().regex(ARN, 'an ARN')).optional(),
  auditTrail: z.enum([AuditTrail.Stack, AuditTrail.Organization]).optional(),
  auditLogRetentionDays: positiveInt.optional(),
  rawObjectLockDays: z.int().min(1).max(36_500).optional(),
  fileDrop: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a source id'),
      z.strictObject({ roles: z.array(z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name')) }),
    )
    .optional(),
  uploadMaxBytes: z
    .int()
    .min(1024)
    .max(5 * 1024 ** 3)
    .optional(),
  mllp: z
    .strictObject({
      image: z.string().min(1),
      vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'a VPC id'),
      subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id')).min(1),
      certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:/, 'an ACM certificate ARN'),
      allowedCidrs: z.array(z.cidrv4()).min(1),
      listeners: z
        .array(z.strictObject({ port: z.int().min(1).max(65535), source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a source id') }))
        .min(1),
      internal: z.boolean().optional(),
      minTasks: z.int().min(1).optional(),
      maxTasks: z.int().min(1).optional(),
    })
    .optional(),
  /**
   * The lake's policies (docs/deploy.md, "Policies"): each the name of a JSON file in this
   * folder or the document inline; their content is checked by the functions' own parsers (policies.ts).
   */
  policies: z
    .strictObject({
      identity: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
      validation: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    })
    .optional(),
  stateBackend: z
    .strictObject({
      bucket: z.string().min(3),
      region: z.string().regex(REGION_PATTERN).optional(),
      lockTable: z.string().min(3).optional(),
      keyPrefix: z.string().min(1).optional(),
    })
    .optional(),
});
export type EnvFile = z.infer<typeof EnvFileSchema>;

/** The repository's per-environment files (infra/env). */
export function defaultEnvDir(): string {
  return path.resolve(import.meta.dirname, '../env');
}

/**
 * The environment's file, validated, or `undefined` when it has none (the environment then
 * runs on the defaults). A file that is not valid JSON or breaks the schema is refused with
 * every problem named by its path in the file.
 */
export function readEnvFile(envDir: string, env: string): EnvFile | undefined {
  if (!ENV_NAME_PATTERN.test(env)) throw new InfraConfigError(`environment name "${env}" does not match ${ENV_NAME_PATTERN.source}`);
  const file = path.join(envDir, `${env}.json`);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InfraConfigError(`${file} is not valid JSON`, { cause: err });
  }
  const parsed = EnvFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(file)'}: ${i.message}`);
    throw new InfraConfigError(`${file}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
