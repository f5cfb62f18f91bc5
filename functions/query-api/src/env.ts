import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * What the read API needs on Lambda (names: LAMBDA_ENV in @hcdl/aws): the lake bucket, the
 * catalog, and the refined zone's resource table for the FHIR routes (read only).
 */
export type QueryApiEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'resourceTable'>;

/** The only place the query-api Lambda reads its environment. */
export function readQueryApiEnv(env: Readonly<Record<string, string | undefined>> = process.env): QueryApiEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'resourceTable']);
}
