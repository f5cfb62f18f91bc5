import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/** What the outcome task needs on Lambda (names and defaults: SETTINGS in @hcdl/lake). */
export type CoreWriterEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'hubTopicArn'>;

/** The only place the core-writer Lambda reads its environment. */
export function readCoreWriterEnv(env: Readonly<Record<string, string | undefined>> = process.env): CoreWriterEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'hubTopicArn']);
}
