import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';
import { readValidationPolicies, type ValidationPolicies } from '@hcdl/core';
import { SETTINGS } from '@hcdl/lake';

/**
 * The stage task of the staging workflow reads raw/ and writes work/ (hand-off of large
 * staging JSON) in the lake bucket; nothing else (names: SETTINGS in @hcdl/lake).
 */
export type StageEnv = LambdaEnvWith<'lakeBucket'> & { validation: ValidationPolicies };

/**
 * The only place the stage task reads its environment. The validation policies (docs/adr/0013)
 * come from HCDL_VALIDATION_POLICY and HCDL_VALIDATION_POLICY_BY_SOURCE (no file on Lambda).
 */
export function readStageEnv(env: Readonly<Record<string, string | undefined>> = process.env): StageEnv {
  const validation = readValidationPolicies({
    defaultText: env[SETTINGS.validationPolicy.env],
    bySourceText: env[SETTINGS.validationPolicyBySource.env],
  });
  return { ...readLambdaEnv(env, ['lakeBucket']), validation };
}
