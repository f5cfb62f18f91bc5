import { LambdaConfigError, readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';
import { type IdentityPolicy, identityPolicyFromJson, SETTINGS, ValidationError } from '@hcdl/lake';

/** What the outcome task needs on Lambda (names and defaults: SETTINGS in @hcdl/lake). */
export type CoreWriterEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'hubTopicArn'> & {
  /** HCDL_IDENTITY_POLICY (inline JSON, docs/identity.md); absent: the shipped policy. */
  identityPolicy?: IdentityPolicy;
};

/** The only place the core-writer Lambda reads its environment. */
export function readCoreWriterEnv(env: Readonly<Record<string, string | undefined>> = process.env): CoreWriterEnv {
  const out: CoreWriterEnv = readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'hubTopicArn']);
  const name = SETTINGS.identityPolicy.env;
  const policy = env[name]?.trim();
  if (policy !== undefined && policy !== '') {
    try {
      out.identityPolicy = identityPolicyFromJson(policy);
    } catch (err) {
      if (err instanceof ValidationError) throw new LambdaConfigError(name, `${name}: ${err.message}`);
      throw err;
    }
  }
  return out;
}
