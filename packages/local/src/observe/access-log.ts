import type { MiddlewareHandler } from 'hono';
import { createRouteMatcher, SUBMIT_PATH } from '@hcdl/core';
import type { Claims, LogPort } from '@hcdl/lake';
import type { LakeMetrics } from './metrics';

/** The principal of each request, noted by the server once the token is verified. */
const principals = new WeakMap<Request, string>();

/** Notes who made the request (the token's `sub`) for its access log line. */
export function notePrincipal(request: Request, claims: Claims | undefined): void {
  if (typeof claims?.sub === 'string' && claims.sub !== '') principals.set(request, claims.sub);
}

/**
 * One access log line per request, and its metrics: method, route template (never the
 * concrete path: it holds ids; never the query: `identifier=` holds a patient's), status,
 * duration and principal. 5xx are errors, 4xx warnings (a refused token, a wrong parameter),
 * the rest info.
 */
export function accessLog(logger: LogPort, metrics: LakeMetrics): MiddlewareHandler {
  const match = createRouteMatcher();
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const status = c.res.status;
      const route = match(c.req.method, c.req.path)?.path ?? 'unmatched';
      const line = {
        method: c.req.method,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        principal: principals.get(c.req.raw) ?? 'anonymous',
      };
      if (status >= 500) logger.error('request', line);
      else if (status >= 400) logger.warn('request', line);
      else logger.info('request', line);
      // HCDL_LOG_LEVEL=DEBUG: sizes and types too (never a header value or a body).
      logger.debug('request detail', {
        ...line,
        requestBytes: Number(c.req.header('content-length') ?? 0),
        responseBytes: Number(c.res.headers.get('content-length') ?? 0),
        responseType: c.res.headers.get('content-type') ?? undefined,
      });
      metrics.request(c.req.method, route, status, seconds);
      if (route === SUBMIT_PATH && c.req.method === 'POST') metrics.submission('http', status, seconds);
    }
  };
}
