import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * What the front door needs on Lambda (names: /work/helpers/BUNDLES.md, LAMBDA_ENV). It
 * writes no zone and no catalog row itself: the lake bucket is for landing request bytes
 * under work/incoming/, HCDL_CORE_INGEST_FUNCTION is core-writer's ingest function.
 */
export type FrontDoorEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'idempotencyTable' | 'coreIngestFunction'>;

/** The only place the front-door Lambda reads its environment. */
export function readFrontDoorEnv(env: Readonly<Record<string, string | undefined>> = process.env): FrontDoorEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'idempotencyTable', 'coreIngestFunction']);
}
