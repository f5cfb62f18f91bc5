import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * What the refined function needs on Lambda (names: SETTINGS in @hcdl/lake): the lake bucket
 * (raw messages in, refined objects out), the catalog (message records, the patient index),
 * the resource table and the refined bus.
 */
export type RefinedEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'resourceTable' | 'refinedBusName'>;

/** The only place the refined Lambda reads its environment. */
export function readRefinedEnv(env: Readonly<Record<string, string | undefined>> = process.env): RefinedEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'resourceTable', 'refinedBusName']);
}
