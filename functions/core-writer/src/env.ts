import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/** What core-writer needs on Lambda (names: LAMBDA_ENV in @hcdl/aws). */
export type CoreWriterEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'hubTopicArn'>;

/** The only place the core-writer Lambda reads its environment. */
export function readCoreWriterEnv(env: Readonly<Record<string, string | undefined>> = process.env): CoreWriterEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'hubTopicArn']);
}
