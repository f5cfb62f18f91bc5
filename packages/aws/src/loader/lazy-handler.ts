/**
 * Lambda entry points build their clients, adapters and Middy handler on the first
 * invocation (never at import time) and keep them for the container's life. A build that
 * throws (e.g. a configuration error) is not kept: the next invocation tries again, and the
 * failure reaches Lambda as a rejected invocation.
 */
export function lazyHandler<E, R, C = unknown>(build: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  return async (event: E, context: C): Promise<R> => {
    built ??= build();
    return built(event, context);
  };
}
