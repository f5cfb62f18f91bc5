/**
 * Errors of the AWS adapters themselves (configuration). Failures of a port operation are
 * translated into the domain's errors from `@hcdl/lake` (NotFoundError,
 * CatalogConflictError, ObjectAlreadyExistsError, ValidationError), which callers match.
 */
export class AwsAdapterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AwsAdapterError';
  }
}

/** An adapter was used without the setting it needs (e.g. no state machine ARN). */
export class AwsAdapterConfigError extends AwsAdapterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AwsAdapterConfigError';
  }
}

/** The `name` of an AWS SDK v3 service exception (`ConditionalCheckFailedException`, ...). */
export function awsErrorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : undefined;
}

/** HTTP status of an AWS SDK v3 service exception, when it has one. */
export function awsHttpStatus(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}
