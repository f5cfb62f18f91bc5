import { header, type HttpRequest, type HttpResult } from '../http/result';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** A FHIR answer (`application/fhir+json`). */
export const fhirJson = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers: { 'content-type': FHIR_JSON, ...headers },
  body: JSON.stringify(value),
});

/** OperationOutcome issue codes the routes answer with. */
export type IssueCode = 'not-found' | 'deleted' | 'invalid' | 'not-supported' | 'login' | 'security';

/** A FHIR error: an OperationOutcome (FHIR clients read these; the lake's other routes keep `{ error }`). */
export const outcome = (status: number, code: IssueCode, diagnostics: string, headers: Record<string, string> = {}): HttpResult =>
  fhirJson(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] }, headers);

/**
 * The base URL the answer's links and fullUrls start with: the request's own host (API
 * Gateway and proxies set `x-forwarded-proto`; the local server is plain http).
 */
export function baseUrlOf(req: Pick<HttpRequest, 'headers'>): string {
  const host = header(req.headers, 'x-forwarded-host') ?? header(req.headers, 'host') ?? 'localhost';
  const proto = (header(req.headers, 'x-forwarded-proto') ?? 'http').split(',')[0]?.trim() ?? 'http';
  return `${proto}://${host}/fhir`;
}

/** `W/"<version>"`, the weak ETag FHIR gives a version. */
export const etagOf = (versionId: number): string => `W/"${versionId}"`;
