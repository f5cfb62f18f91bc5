import type { Claims, HttpRequest, HttpResult } from '@hcdl/lake';

/** The API Gateway HTTP API (payload v2) event fields the lake reads. */
export interface ApiGatewayV2Event {
  routeKey?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string; path?: string; sourceIp?: string }; authorizer?: { jwt?: { claims?: Claims } } };
}

export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The request of an API Gateway event. API Gateway's JWT authorizer has verified the token;
 * its claims arrive in requestContext.authorizer.jwt.claims.
 */
export function apiRequestOf(event: ApiGatewayV2Event): HttpRequest {
  const req: HttpRequest = {
    method: event.requestContext?.http?.method ?? 'GET',
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    headers: event.headers ?? {},
    query: event.queryStringParameters ?? {},
    claims: event.requestContext?.authorizer?.jwt?.claims,
  };
  if (event.body !== undefined) req.body = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  // The audit trail's "from where": the client address API Gateway saw.
  const client = event.requestContext?.http?.sourceIp;
  if (client !== undefined) req.client = client;
  return req;
}

/** Text bodies go as they are; bytes (`/raw`) go base64 with isBase64Encoded. */
export function apiGatewayResultOf(r: HttpResult): ApiGatewayV2Result {
  if (typeof r.body === 'string') return { statusCode: r.status, headers: r.headers, body: r.body, isBase64Encoded: false };
  return { statusCode: r.status, headers: r.headers, body: Buffer.from(r.body).toString('base64'), isBase64Encoded: true };
}

/** The body Middy's error handler answers for an unexpected failure: the contract's shape, no detail. */
export const INTERNAL_ERROR_BODY = JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } });
