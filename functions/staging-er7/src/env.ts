import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * The stage task of the staging workflow reads raw/ and writes work/ (hand-off of large
 * staging JSON) in the lake bucket; nothing else (names: SETTINGS in @hcdl/lake).
 */
export type StageEnv = LambdaEnvWith<'lakeBucket'>;

/** The only place the stage task reads its environment. */
export function readStageEnv(env: Readonly<Record<string, string | undefined>> = process.env): StageEnv {
  return readLambdaEnv(env, ['lakeBucket']);
}
