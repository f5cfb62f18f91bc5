import type { Claims } from '@hcdl/lake';

/** A transport-neutral answer; bodies are text, or bytes for `/raw`. */
export interface QueryResult {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** One read request as the routes see it (the local server and the Lambda adapter build it). */
export interface QueryRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  /** Verified token claims; undefined when there is no valid token. */
  claims: Claims | undefined;
}

export const json = (status: number, value: unknown): QueryResult => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** The contract's error shape: `{ "error": { "code", "message", "details"? } }`, never a stack. */
export const httpError = (status: number, code: string, message: string, details?: unknown): QueryResult =>
  json(status, { error: details === undefined ? { code, message } : { code, message, details } });

export const unauthorized = (): QueryResult => httpError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
export const notFound = (what: string): QueryResult => httpError(404, 'NOT_FOUND', `no such ${what}`);
