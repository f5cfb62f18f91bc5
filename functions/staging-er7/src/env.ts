import { readLambdaEnv, type LambdaEnvWith } from '@hcdl/aws';

/**
 * The three Lambda functions deployed from this bundle each need different settings
 * (names: LAMBDA_ENV in @hcdl/aws). This is the only place they read their environment.
 */
type Env = Readonly<Record<string, string | undefined>>;

/** The SNS trigger only starts executions. */
export type TriggerEnv = LambdaEnvWith<'stagingStateMachineArn'>;
/** normalize reads the raw zone and writes work/. */
export type NormalizeEnv = LambdaEnvWith<'lakeBucket'>;
/** parse reads work/ and the catalog row, writes work/, publishes the outcome. */
export type ParseEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'hubTopicArn'>;

export function readTriggerEnv(env: Env = process.env): TriggerEnv {
  return readLambdaEnv(env, ['stagingStateMachineArn']);
}

export function readNormalizeEnv(env: Env = process.env): NormalizeEnv {
  return readLambdaEnv(env, ['lakeBucket']);
}

export function readParseEnv(env: Env = process.env): ParseEnv {
  return readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'hubTopicArn']);
}
