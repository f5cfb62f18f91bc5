import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * What the front door needs on Lambda (names and defaults: SETTINGS in @hcdl/lake). It runs
 * the submit and ingest use-cases itself: it writes raw/ and error/ of the lake bucket, the
 * catalog rows of new messages and the idempotency records, and publishes `ingested`.
 */
export type FrontDoorEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'idempotencyTable' | 'hubTopicArn'>;

/** The only place the front-door Lambda reads its environment. */
export function readFrontDoorEnv(env: Readonly<Record<string, string | undefined>> = process.env): FrontDoorEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'idempotencyTable', 'hubTopicArn']);
}
