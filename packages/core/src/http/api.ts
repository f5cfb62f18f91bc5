import { type FhirApi, isFhirPath } from '../fhir/routes';
import type { QueryApi } from '../read/router';
import type { Uploads } from '../landing/uploads';
import type { Submit } from '../submit/submit';
import { submitAnswer, submitInputOf, UPLOADS_PATH } from './submit-http';
import { uploadAnswer } from './upload-http';
import type { ReplayRoute } from './replay-http';
import type { ApplicationAcks } from '../ack/application-acks';
import { applicationAnswer, wantsApplicationAck } from './application-answer';
import { header, httpError, json, type HttpRequest, type HttpResult } from './result';
import { OPENAPI_PATH, openApiText } from './openapi/document';
import { createRouteMatcher } from './openapi/routes';
import { type AuditDeps, createAuditRecorder } from '../audit/record';
import { AUDIT_PATH, createAuditRoute } from '../audit/routes';

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
  fhir?: FhirApi;
  uploads?: Uploads;
  /** POST /hl7v2/messages/{id}/replay (createReplayRoute), where the deployment can replay. */
  replay?: ReplayRoute;
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Application ACKs after staging, for `?ack=application` (docs/ack.md); without it the query is ignored. */
  applicationAcks?: ApplicationAcks;
  /** The audit trail: every call of an audited route is recorded, and GET /audit reads it (docs/adr/0016). */
  audit?: AuditDeps;
}) {
  const matchRoute = createRouteMatcher();
  const recorder = parts.audit !== undefined ? createAuditRecorder(parts.audit) : undefined;
  const auditRoute = parts.audit !== undefined ? createAuditRoute(parts.audit.trail) : undefined;

  async function handle(req: HttpRequest): Promise<HttpResult> {
    const r = await audited(req, await route(req));
    // Answers can carry patient data: never cached by a browser or proxy, never sniffed.
    return { ...r, headers: { ...r.headers, ...NO_STORE } };
  }

  /**
   * Records the call in the audit trail when its route is audited. A call that cannot be
   * recorded is answered 500 instead of its result: nothing is read unaudited.
   */
  async function audited(req: HttpRequest, result: HttpResult): Promise<HttpResult> {
    if (recorder === undefined) return result;
    const doc = matchRoute(req.method, req.path);
    if (doc?.audit === undefined) return result;
    try {
      await recorder.record(req, result, doc);
      return result;
    } catch (err) {
      parts.audit?.logger.error('audit record failed; the call is answered 500', { error: (err as Error).name, route: doc.path });
      return httpError(500, 'AUDIT_UNAVAILABLE', 'the call could not be recorded in the audit trail');
    }
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
      // A deployment may add what it knows of itself (the local lake: its staging backlog, and
      // `checks`: any check not ok makes the lake unhealthy, 503, so a load balancer stops sending).
      const extra = parts.health !== undefined ? await parts.health() : {};
      const checks = (extra.checks ?? {}) as Record<string, { ok?: unknown }>;
      const healthy = Object.values(checks).every((c) => c.ok !== false);
      return json(healthy ? 200 : 503, { status: healthy ? 'ok' : 'unhealthy', ...extra });
    }
    if (path === SUBMIT_PATH && parts.submit !== undefined) {
      if (req.method !== 'POST')
        return { ...httpError(405, 'METHOD_NOT_ALLOWED', 'this route answers POST'), headers: { 'content-type': 'application/json', allow: 'POST' } };
      const outcome = await parts.submit(submitInputOf(req));
      if (outcome.kind === 'accepted' && parts.applicationAcks !== undefined && wantsApplicationAck(req))
        return applicationAnswer(outcome, await parts.applicationAcks.collect(outcome, undefined, { force: true }), req);
      return submitAnswer(outcome, req);
    }
    if (parts.fhir !== undefined && isFhirPath(path)) return parts.fhir.handle({ ...req, path });
    if (path === UPLOADS_PATH && parts.uploads !== undefined) {
      if (req.method !== 'POST')
        return { ...httpError(405, 'METHOD_NOT_ALLOWED', 'this route answers POST'), headers: { 'content-type': 'application/json', allow: 'POST' } };
      return uploadAnswer(await parts.uploads(req.claims, req.query.source ?? header(req.headers, 'x-hcdl-source')));
    }
    const replayed = parts.replay !== undefined ? await parts.replay(req, path) : undefined;
    if (replayed !== undefined) return replayed;
    if (path === AUDIT_PATH && auditRoute !== undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return { ...httpError(405, 'METHOD_NOT_ALLOWED', 'this route answers GET'), headers: { 'content-type': 'application/json', allow: 'GET, HEAD' } };
      return auditRoute(req.claims, req.query);
    }
    if (parts.read !== undefined) return parts.read.handle({ ...req, path });
    return httpError(404, 'NOT_FOUND', 'no such route');
  }
  return {
    handle,
    /** For a transport that answers a call itself (a refused token): records it like `handle` would. */
    audited: async (req: HttpRequest, result: HttpResult): Promise<HttpResult> => {
      const r = await audited(req, result);
      return { ...r, headers: { ...r.headers, ...NO_STORE } };
    },
  };
}

export type HttpApi = ReturnType<typeof createHttpApi>;
