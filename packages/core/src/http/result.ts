import type { HttpRequest, HttpResult } from '@hcdl/lake';

export type { HttpRequest, HttpResult };

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

/** The contract's error shape: `{ "error": { "code", "message", "details"? } }`, never a stack. */
export const httpError = (status: number, code: string, message: string, details?: unknown): HttpResult =>
  json(status, { error: details === undefined ? { code, message } : { code, message, details } });

export const unauthorized = (): HttpResult => httpError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
export const notFound = (what: string): HttpResult => httpError(404, 'NOT_FOUND', `no such ${what}`);

export const hl7 = (status: number, ack: string): HttpResult => ({ status, headers: { 'content-type': 'application/hl7-v2' }, body: ack });

/** Case-insensitive header lookup. */
export function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
