import { describe, expect, it } from '@jest/globals';
import { SETTINGS } from '@hcdl/lake';
import { DEFAULT_DEDUP_WINDOW_SECONDS, DEFAULT_MAX_BODY_BYTES, LAMBDA_ENV, LambdaConfigError, readLambdaEnv } from '../../src/loader/lambda-env';
import { AwsAdapterConfigError, AwsAdapterError } from '../../src/errors';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hcdl-hub';

const full = {
  AWS_REGION: 'eu-west-1',
  HCDL_LAKE_BUCKET: 'lake-bucket',
  HCDL_KMS_KEY_ID: 'alias/hcdl',
  HCDL_CATALOG_TABLE: 'catalog',
  HCDL_IDEMPOTENCY_TABLE: 'idempotency',
  HCDL_HUB_TOPIC_ARN: TOPIC,
};

/** The error thrown by `read`, which must be a LambdaConfigError. */
function configError(read: () => unknown): LambdaConfigError {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(LambdaConfigError);
    return err as LambdaConfigError;
  }
  throw new Error('expected a LambdaConfigError');
}

describe('readLambdaEnv', () => {
  it('reads every setting, with defaults for the numbers and no endpoint overrides', () => {
    const env = readLambdaEnv(full, ['lakeBucket', 'catalogTable', 'idempotencyTable', 'hubTopicArn']);
    expect(env).toEqual({
      region: 'eu-west-1',
      lakeBucket: 'lake-bucket',
      kmsKeyId: 'alias/hcdl',
      catalogTable: 'catalog',
      idempotencyTable: 'idempotency',
      hubTopicArn: TOPIC,
      dedupWindowSeconds: DEFAULT_DEDUP_WINDOW_SECONDS,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      submitConcurrency: 1,
      uploadMaxBytes: 100 * 1024 * 1024,
      resumeAfterMinutes: 30,
      metricsNamespace: 'HCDL',
      fileDropSources: [],
      logLevel: 'INFO',
      endpoints: {},
    });
    expect(DEFAULT_DEDUP_WINDOW_SECONDS).toBe(365 * 24 * 3600);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
  });

  it('reads the ingest-path settings: caps, concurrency, sizes, file-drop sources, the dead-letter queue', () => {
    const env = readLambdaEnv(
      {
        ...full,
        HCDL_MAX_BATCH_MESSAGES: '500',
        HCDL_SUBMIT_CONCURRENCY: '8',
        HCDL_UPLOAD_MAX_BYTES: '1048576',
        HCDL_LARGE_OBJECT_BYTES: '4000000',
        HCDL_FILE_DROP_SOURCES: ' lab, pharmacy ,',
        HCDL_STAGING_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/hcdl-dev-staging-dlq',
        HCDL_RESUME_AFTER_MINUTES: '15',
      },
      ['stagingDlqUrl'],
    );
    expect(env).toMatchObject({
      maxBatchMessages: 500,
      submitConcurrency: 8,
      uploadMaxBytes: 1048576,
      largeObjectBytes: 4000000,
      fileDropSources: ['lab', 'pharmacy'],
      stagingDlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/hcdl-dev-staging-dlq',
      resumeAfterMinutes: 15,
    });
    expect(() => readLambdaEnv({ ...full, HCDL_MAX_BATCH_MESSAGES: '0' }, [])).toThrow('HCDL_MAX_BATCH_MESSAGES must be a positive integer');
    expect(() => readLambdaEnv({ ...full, HCDL_STAGING_DLQ_URL: 'queue' }, ['stagingDlqUrl'])).toThrow('HCDL_STAGING_DLQ_URL must be an http(s) URL');
    expect(() => readLambdaEnv(full, ['stagingDlqUrl'])).toThrow('HCDL_STAGING_DLQ_URL is not set');
  });

  it('reads numbers, log level and endpoint overrides, trimming blanks', () => {
    const env = readLambdaEnv(
      {
        ...full,
        HCDL_DEDUP_WINDOW_SECONDS: ' 3600 ',
        HCDL_MAX_BODY_BYTES: '1048576',
        HCDL_LOG_LEVEL: 'debug',
        HCDL_AWS_ENDPOINT_S3: 'http://127.0.0.1:4569',
        HCDL_AWS_ENDPOINT_DYNAMODB: 'http://127.0.0.1:4567',
        HCDL_AWS_ENDPOINT_SNS: '',
      },
      [],
    );
    expect(env.dedupWindowSeconds).toBe(3600);
    expect(env.maxBodyBytes).toBe(1048576);
    expect(env.logLevel).toBe('DEBUG');
    expect(env.endpoints).toEqual({ s3: 'http://127.0.0.1:4569', dynamodb: 'http://127.0.0.1:4567' });
  });

  it('leaves settings a function does not require undefined when absent', () => {
    const env = readLambdaEnv({ AWS_REGION: 'us-east-1', HCDL_LAKE_BUCKET: 'b' }, ['lakeBucket']);
    expect(env.lakeBucket).toBe('b');
    expect(env.catalogTable).toBeUndefined();
    expect(env.hubTopicArn).toBeUndefined();
    expect(env.kmsKeyId).toBeUndefined();
  });

  it('names a missing required variable', () => {
    const { HCDL_CATALOG_TABLE: _, ...rest } = full;
    const err = configError(() => readLambdaEnv(rest, ['lakeBucket', 'catalogTable']));
    expect(err.name).toBe('LambdaConfigError');
    expect(err).toBeInstanceOf(AwsAdapterConfigError);
    expect(err).toBeInstanceOf(AwsAdapterError);
    expect(err.variable).toBe('HCDL_CATALOG_TABLE');
    expect(err.variables).toEqual(['HCDL_CATALOG_TABLE']);
    expect(err.message).toContain('HCDL_CATALOG_TABLE');
  });

  it('treats a blank value as missing', () => {
    const err = configError(() => readLambdaEnv({ ...full, HCDL_LAKE_BUCKET: '   ' }, ['lakeBucket']));
    expect(err.variable).toBe('HCDL_LAKE_BUCKET');
  });

  it('requires the region', () => {
    const { AWS_REGION: _, ...rest } = full;
    expect(configError(() => readLambdaEnv(rest, [])).variable).toBe('AWS_REGION');
  });

  it.each([
    ['HCDL_DEDUP_WINDOW_SECONDS', '1 year'],
    ['HCDL_DEDUP_WINDOW_SECONDS', '0'],
    ['HCDL_MAX_BODY_BYTES', '-5'],
    ['HCDL_MAX_BODY_BYTES', '1.5'],
    ['HCDL_AWS_ENDPOINT_S3', 'localhost:4569'],
    ['HCDL_AWS_ENDPOINT_DYNAMODB', 'ftp://127.0.0.1:21'],
    ['HCDL_HUB_TOPIC_ARN', 'hcdl-hub'],
    ['HCDL_LOG_LEVEL', 'LOUD'],
  ])('names a malformed %s (%s) without echoing its value', (variable, value) => {
    const err = configError(() => readLambdaEnv({ ...full, [variable]: value }, []));
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
    expect(err.message).not.toContain(value);
  });

  it('reports every problem at once, each variable named', () => {
    const err = configError(() =>
      readLambdaEnv({ AWS_REGION: 'us-east-1', HCDL_HUB_TOPIC_ARN: 'nope', HCDL_MAX_BODY_BYTES: 'big' }, ['lakeBucket', 'catalogTable', 'hubTopicArn']),
    );
    expect([...err.variables].sort()).toEqual(['HCDL_CATALOG_TABLE', 'HCDL_HUB_TOPIC_ARN', 'HCDL_LAKE_BUCKET', 'HCDL_MAX_BODY_BYTES']);
    for (const v of err.variables) expect(err.message).toContain(v);
  });
});

describe('one declaration of each setting', () => {
  it('reads the variables and defaults SETTINGS declares (the local runtime and infra read the same table)', () => {
    expect(LAMBDA_ENV.maxBodyBytes).toBe(SETTINGS.maxBodyBytes.env);
    expect(LAMBDA_ENV.dedupWindowSeconds).toBe(SETTINGS.dedupWindowSeconds.env);
    expect(LAMBDA_ENV.lakeBucket).toBe(SETTINGS.lakeBucket.env);
    const env = readLambdaEnv({ AWS_REGION: 'eu-west-1' }, []);
    expect([env.maxBodyBytes, env.dedupWindowSeconds, env.logLevel]).toEqual([
      SETTINGS.maxBodyBytes.default,
      SETTINGS.dedupWindowSeconds.default,
      SETTINGS.logLevel.default,
    ]);
  });
});
