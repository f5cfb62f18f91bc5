/** A transport-neutral HTTP answer; the Lambda and local server adapters write it out. */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

/** The contract's error shape: `{ "error": { "code", "message", "details"? } }`, never a stack. */
export const httpError = (status: number, code: string, message: string, details?: unknown): HttpResult =>
  json(status, { error: details === undefined ? { code, message } : { code, message, details } });

export const hl7 = (status: number, ack: string): HttpResult => ({ status, headers: { 'content-type': 'application/hl7-v2' }, body: ack });

/** Case-insensitive header lookup. */
export function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
