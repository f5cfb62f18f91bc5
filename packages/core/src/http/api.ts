import type { QueryApi } from '../read/router';
import type { Uploads } from '../landing/uploads';
import type { Submit } from '../submit/submit';
import { submitAnswer, submitInputOf, UPLOADS_PATH } from './submit-http';
import { uploadAnswer } from './upload-http';
import { header, httpError, json, type HttpRequest, type HttpResult } from './result';
import { OPENAPI_PATH, openApiText } from './openapi/document';

export const SUBMIT_PATH = '/hl7v2/er7';

/** Headers of every answer of the lake's routes. */
export const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

/**
 * The lake's HTTP routes over the use-cases, transport-neutral: the local server and the
 * Lambda handlers each turn their request into an HttpRequest (claims already verified)
 * and write the HttpResult back. A deployment passes the use-cases it serves: the front-door
 * Lambda only `submit`, the query-api Lambda only `read`, the local server both (and `health`,
 * the fields it adds to GET /health).
 */
export function createHttpApi(parts: {
  submit?: Submit;
  read?: QueryApi;
  uploads?: Uploads;
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}) {
  async function handle(req: HttpRequest): Promise<HttpResult> {
    const r = await route(req);
    // Answers can carry patient data: never cached by a browser or proxy, never sniffed.
    return { ...r, headers: { ...r.headers, ...NO_STORE } };
  }

  let openapi: string | undefined;
  async function route(req: HttpRequest): Promise<HttpResult> {
    const path = req.path.length > 1 ? req.path.replace(/\/$/, '') : req.path;
    if (path === OPENAPI_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      openapi ??= openApiText();
      return { status: 200, headers: { 'content-type': 'application/json' }, body: openapi };
    }
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return { ...httpError(405, 'METHOD_NOT_ALLOWED', 'this route answers GET'), headers: { 'content-type': 'application/json', allow: 'GET, HEAD' } };
      // A deployment may add what it knows of itself (the local lake: its staging backlog).
      return json(200, { status: 'ok', ...(parts.health !== undefined ? await parts.health() : {}) });
    }
    if (path === SUBMIT_PATH && parts.submit !== undefined) {
      if (req.method !== 'POST')
        return { ...httpError(405, 'METHOD_NOT_ALLOWED', 'this route answers POST'), headers: { 'content-type': 'application/json', allow: 'POST' } };
      return submitAnswer(await parts.submit(submitInputOf(req)), req);
    }
    if (path === UPLOADS_PATH && parts.uploads !== undefined) {
      if (req.method !== 'POST')
        return { ...httpError(405, 'METHOD_NOT_ALLOWED', 'this route answers POST'), headers: { 'content-type': 'application/json', allow: 'POST' } };
      return uploadAnswer(await parts.uploads(req.claims, req.query.source ?? header(req.headers, 'x-hcdl-source')));
    }
    if (parts.read !== undefined) return parts.read.handle({ ...req, path });
    return httpError(404, 'NOT_FOUND', 'no such route');
  }
  return { handle };
}

export type HttpApi = ReturnType<typeof createHttpApi>;
