import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * What the landing function needs on Lambda (names and defaults: SETTINGS in @hcdl/lake). It
 * runs the same ingest as the front door on files that arrive under upload/ and landing/: it
 * reads and removes those, writes raw/ and error/, the catalog rows of new messages and the
 * idempotency records, and publishes `ingested`.
 */
export type LandingEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'idempotencyTable' | 'hubTopicArn'>;

/** The only place the landing Lambda reads its environment. */
export function readLandingEnv(env: Readonly<Record<string, string | undefined>> = process.env): LandingEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'idempotencyTable', 'hubTopicArn']);
}
