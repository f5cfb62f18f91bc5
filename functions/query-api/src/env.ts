import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/** What the read API needs on Lambda (names: LAMBDA_ENV in @hcdl/aws). */
export type QueryApiEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable'>;

/** The only place the query-api Lambda reads its environment. */
export function readQueryApiEnv(env: Readonly<Record<string, string | undefined>> = process.env): QueryApiEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable']);
}
