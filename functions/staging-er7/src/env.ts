import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';
import { readValidationPolicies, type ValidationPolicies } from '@hcdl/core';
import { SETTINGS } from '@hcdl/lake';

/**
 * The stage task of the staging workflow reads raw/ and writes work/ (hand-off of large
 * staging JSON) in the lake bucket; nothing else (names: SETTINGS in @hcdl/lake).
 */
export type StageEnv = LambdaEnvWith<'lakeBucket'> & { validation: ValidationPolicies; heapBytes?: number };

/**
 * The share of the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, set by Lambda) staging's
 * heap may use: the rest holds the runtime, the raw bytes and the output. A message estimated to
 * need more goes to the error zone (STAGING_LIMIT) instead of crashing the function at every
 * retry of its workflow.
 */
export const STAGING_HEAP_SHARE = 0.6;

/**
 * The only place the stage task reads its environment. The validation policies (docs/adr/0013)
 * come from HCDL_VALIDATION_POLICY and HCDL_VALIDATION_POLICY_BY_SOURCE (no file on Lambda).
 */
export function readStageEnv(env: Readonly<Record<string, string | undefined>> = process.env): StageEnv {
  const validation = readValidationPolicies({
    defaultText: env[SETTINGS.validationPolicy.env],
    bySourceText: env[SETTINGS.validationPolicyBySource.env],
  });
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  const out: StageEnv = { ...readLambdaEnv(env, ['lakeBucket']), validation };
  if (Number.isFinite(memoryMb) && memoryMb > 0) out.heapBytes = Math.floor(memoryMb * STAGING_HEAP_SHARE * 1024 * 1024);
  return out;
}
