import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/** What the front door needs on Lambda (names: /work/helpers/BUNDLES.md, LAMBDA_ENV). */
export type FrontDoorEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'idempotencyTable' | 'hubTopicArn'>;

/** The only place the front-door Lambda reads its environment. */
export function readFrontDoorEnv(env: Readonly<Record<string, string | undefined>> = process.env): FrontDoorEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'idempotencyTable', 'hubTopicArn']);
}
