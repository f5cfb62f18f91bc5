import { CoreError } from '../errors';

/** A request parameter the caller got wrong: answered 400 with the parameter's name. */
export class QueryParameterError extends CoreError {
  constructor(
    readonly parameter: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueryParameterError';
  }
}
