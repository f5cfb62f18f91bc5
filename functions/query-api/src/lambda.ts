import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { Claims } from '@hcdl/lake';
import type { QueryResult } from './http';
import type { QueryApiDeps } from './ports';
import { createQueryApi } from './router';

/** The API Gateway HTTP API (payload v2) event fields the handler reads. */
export interface ApiGatewayV2Event {
  routeKey?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  requestContext?: { http?: { method?: string; path?: string }; authorizer?: { jwt?: { claims?: Claims } } };
}

export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** Text bodies go as they are; bytes (`/raw`) go base64 with isBase64Encoded. */
export function toApiGatewayResult(r: QueryResult): ApiGatewayV2Result {
  if (typeof r.body === 'string') return { statusCode: r.status, headers: r.headers, body: r.body, isBase64Encoded: false };
  return { statusCode: r.status, headers: r.headers, body: Buffer.from(r.body).toString('base64'), isBase64Encoded: true };
}

/**
 * Lambda handler factory for the read routes. API Gateway's JWT authorizer has verified the
 * token; its claims arrive in requestContext.authorizer.jwt.claims. Unexpected errors
 * become a generic 500 (logged by name, never with content).
 */
export function createHandler(deps: QueryApiDeps) {
  const api = createQueryApi(deps);
  const base = async (event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> => {
    const method = event.requestContext?.http?.method ?? 'GET';
    const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
    try {
      return toApiGatewayResult(
        await api.handle({ method, path, query: event.queryStringParameters ?? {}, claims: event.requestContext?.authorizer?.jwt?.claims }),
      );
    } catch (err) {
      deps.logger.error('read request failed', { error: (err as Error).name, routeKey: event.routeKey });
      throw err;
    }
  };
  return middy(base).use(
    // logger: false: the failure is logged above by name only (middy would print the stack).
    httpErrorHandler({ logger: false, fallbackMessage: JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } }) }),
  ) as unknown as (event: ApiGatewayV2Event, context?: unknown) => Promise<ApiGatewayV2Result>;
}
