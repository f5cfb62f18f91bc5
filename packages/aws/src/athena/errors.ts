import { AwsAdapterError } from '../errors';

/** Errors of running SQL on Athena. `name` starts with `Athena` (the CLI matches on it). */
export class AthenaQueryError extends AwsAdapterError {
  constructor(
    message: string,
    readonly queryExecutionId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AthenaQueryError';
  }
}

/** Athena refused the SQL (ErrorCategory 2, a user error: syntax, unknown table or column). */
export class AthenaSqlError extends AthenaQueryError {
  constructor(message: string, queryExecutionId?: string, options?: { cause?: unknown }) {
    super(message, queryExecutionId, options);
    this.name = 'AthenaSqlError';
  }
}

/** The query did not finish in time; it was stopped. */
export class AthenaTimeoutError extends AthenaQueryError {
  constructor(message: string, queryExecutionId?: string, options?: { cause?: unknown }) {
    super(message, queryExecutionId, options);
    this.name = 'AthenaTimeoutError';
  }
}
