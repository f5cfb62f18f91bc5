/** Base of staging-er7's errors (state validation uses the lake's ValidationError). */
export class StagingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StagingError';
  }
}

/**
 * The catalog row or raw object a staging run points at is not in the lake. The run fails
 * (Step Functions or SNS retries it, then the dead-letter queue keeps it). Names only the
 * id we generated and what is missing.
 */
export class StagingInputMissingError extends StagingError {
  constructor(what: 'catalog row' | 'raw object', messageId: string, options?: { cause?: unknown }) {
    super(`${what} missing for message ${messageId}`, options);
    this.name = 'StagingInputMissingError';
  }
}
