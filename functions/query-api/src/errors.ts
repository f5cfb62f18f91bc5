/** Base of the query API's errors (matched with instanceof at the HTTP boundary). */
export class QueryApiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueryApiError';
  }
}

/** A request parameter the caller got wrong: answered 400 with the parameter's name. */
export class QueryParameterError extends QueryApiError {
  constructor(
    readonly parameter: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueryParameterError';
  }
}
