import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * What the sweep needs on Lambda (names and defaults: SETTINGS in @hcdl/lake): it reads the
 * catalog's status index and moves a waiting row's `updatedAt`, publishes `ingested`, and
 * reads and deletes messages of the staging dead-letter queue.
 */
export type SweeperEnv = LambdaEnvWith<'catalogTable' | 'hubTopicArn' | 'stagingDlqUrl'>;

/** The only place the sweeper Lambda reads its environment. */
export function readSweeperEnv(env: Readonly<Record<string, string | undefined>> = process.env): SweeperEnv {
  return readLambdaEnv(env, ['catalogTable', 'hubTopicArn', 'stagingDlqUrl']);
}
