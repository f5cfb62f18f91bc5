/** The part of Powertools Logger the entry points use to stamp Lambda's request context. */
export interface ContextLogger {
  addContext(context: never): void;
}

/**
 * Wraps a handler so every log line of the invocation carries Lambda's context (request id,
 * function name, cold start), as Powertools' `injectLambdaContext` does. A missing context
 * (direct calls in tests) is skipped.
 */
export function withLogContext<E, R, C>(logger: ContextLogger, handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  return (event: E, context: C): Promise<R> => {
    if (typeof context === 'object' && context !== null && 'awsRequestId' in context) logger.addContext(context as never);
    return handler(event, context);
  };
}
