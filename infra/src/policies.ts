import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PolicyConfigError, readValidationPolicies, type ValidationPolicies } from '@hcdl/core';
import { identityPolicyFromJson, SETTINGS, ValidationError } from '@hcdl/lake';
import { InfraConfigError } from './errors';

/**
 * The lake's policies of one environment, read at synth time from the `policies` section of
 * its file (docs/deploy.md, "Policies") and checked with the parsers the functions run, so a
 * policy the functions would refuse at cold start fails `cdktf synth` instead.
 */
export interface PoliciesConfig {
  /** The patient identity policy (docs/identity.md) as compact JSON: core-writer's HCDL_IDENTITY_POLICY. */
  identity?: string;
  /** The validation policies (docs/adr/0013): staging-stage's HCDL_VALIDATION_POLICY and _BY_SOURCE. */
  validation?: ValidationPolicies;
}

/** A policy in the environment's file: the name of a JSON file beside it, or the document inline. */
export type PolicySource = string | Record<string, unknown>;

/**
 * Lambda holds 4 KB of environment variables per function in all; the identity policy gets
 * at most this share, the rest is left to the resource names and ARNs every function has.
 */
export const MAX_IDENTITY_POLICY_BYTES = 3072;

interface Located {
  text: string;
  /** Where the policy was read, for error messages: `<env file>: policies.identity` or `<policy file> (policies.identity of <env file>)`. */
  where: string;
}

/** The text of a policy: the file it names (inside the environment's folder), or the inline document. */
function textOf(source: PolicySource, key: string, envDir: string, envFile: string): Located {
  if (typeof source !== 'string') return { text: JSON.stringify(source), where: `${envFile}: policies.${key}` };
  const root = realpathSync(envDir);
  const file = path.resolve(root, source);
  const inside = (p: string) => p.startsWith(root + path.sep);
  if (!inside(file)) throw new InfraConfigError(`${envFile}: policies.${key} must name a file in ${root}, got "${source}"`);
  if (!existsSync(file)) throw new InfraConfigError(`${envFile}: policies.${key} names ${file}, which does not exist`);
  // A link out of the environment's folder is refused like a `../` path.
  if (!inside(realpathSync(file))) throw new InfraConfigError(`${envFile}: policies.${key} must name a file in ${root}, got "${source}"`);
  const where = `${file} (policies.${key} of ${envFile})`;
  try {
    return { text: readFileSync(file, 'utf8'), where };
  } catch (err) {
    throw new InfraConfigError(`${where}: cannot be read (${String((err as { code?: unknown }).code ?? 'error')})`, { cause: err });
  }
}

function identityOf(source: PolicySource, envDir: string, envFile: string): string {
  const { text, where } = textOf(source, 'identity', envDir, envFile);
  try {
    identityPolicyFromJson(text);
  } catch (err) {
    if (err instanceof ValidationError) throw new InfraConfigError(`${where}: ${err.message}`, { cause: err });
    throw err;
  }
  const compact = JSON.stringify(JSON.parse(text));
  const bytes = Buffer.byteLength(compact, 'utf8');
  if (bytes > MAX_IDENTITY_POLICY_BYTES) {
    throw new InfraConfigError(
      `${where}: the identity policy is ${bytes} bytes as JSON; a Lambda's environment holds 4 KB in all, so it must stay within ${MAX_IDENTITY_POLICY_BYTES}`,
    );
  }
  return compact;
}

function validationOf(source: PolicySource, envDir: string, envFile: string): ValidationPolicies {
  const { text, where } = textOf(source, 'validation', envDir, envFile);
  try {
    return readValidationPolicies({ json: text });
  } catch (err) {
    if (err instanceof PolicyConfigError) throw new InfraConfigError(`${where}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The `policies` section of an environment's file, read and checked; `envFile` is that file's path (for messages). */
export function readPolicies(section: { identity?: PolicySource; validation?: PolicySource } | undefined, envDir: string, envFile: string): PoliciesConfig {
  const out: PoliciesConfig = {};
  if (section?.identity !== undefined) out.identity = identityOf(section.identity, envDir, envFile);
  if (section?.validation !== undefined) out.validation = validationOf(section.validation, envDir, envFile);
  return out;
}

/** The variables of the function that resolves patient identity (core-writer); none without a policy (the shipped one applies). */
export function identityPolicyEnvironment(policies: PoliciesConfig | undefined): Record<string, string> {
  return policies?.identity === undefined ? {} : { [SETTINGS.identityPolicy.env]: policies.identity };
}

/**
 * The variables of the function that judges messages (staging-stage). Lambda reads no policy
 * file, so the file's document becomes the default and the `source=policy` list.
 */
export function validationPolicyEnvironment(policies: PoliciesConfig | undefined): Record<string, string> {
  const v = policies?.validation;
  if (v === undefined) return {};
  const bySource = Object.entries(v.sources)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([source, policy]) => `${source}=${policy}`)
    .join(',');
  return { [SETTINGS.validationPolicy.env]: v.default, ...(bySource !== '' ? { [SETTINGS.validationPolicyBySource.env]: bySource } : {}) };
}
