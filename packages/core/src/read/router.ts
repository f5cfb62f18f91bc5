import { QueryParameterError } from './errors';
import { createErrorRoutes } from './diagnostics';
import { httpError, notFound, unauthorized, type HttpRequest, type HttpResult } from '../http/result';
import { createBatchRoute } from './batches';
import { createLineageRoute } from './lineage';
import { createMessageRoutes } from './messages';
import { createPatientRoutes } from './patients';
import { onlyParams } from './params';
import type { QueryApiDeps } from './ports';

const MESSAGE = /^\/hl7v2\/messages\/([^/]+)(?:\/(raw|staging|lineage))?\/?$/;
const PATIENT = /^\/patients\/([^/]+)\/?$/;
const BATCH = /^\/hl7v2\/batches\/([^/]+)\/?$/;
const LISTS = new Set(['/hl7v2/messages', '/hl7v2/errors', '/patients']);

const decode = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
};

/**
 * The read routes (ARCHITECTURE.md "Contracts", docs/read-api.md) as one transport-neutral
 * function: the local server and the Lambda handler both call `handle`. Every route needs
 * verified claims (401 without); access is decided per source on `custom:read`.
 */
export function createQueryApi(deps: QueryApiDeps) {
  const messages = createMessageRoutes(deps);
  const lineage = createLineageRoute(deps, messages.readable);
  const listErrors = createErrorRoutes(deps);
  const patients = createPatientRoutes(deps);
  const getBatch = createBatchRoute(deps);

  async function route(req: HttpRequest): Promise<HttpResult> {
    const path = req.path.length > 1 ? req.path.replace(/\/$/, '') : req.path;
    const m = MESSAGE.exec(path);
    const p = PATIENT.exec(path);
    const b = BATCH.exec(path);
    if (!LISTS.has(path) && m === null && p === null && b === null) return httpError(404, 'NOT_FOUND', 'no such route');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const refused = httpError(405, 'METHOD_NOT_ALLOWED', 'read routes answer GET only');
      return { ...refused, headers: { ...refused.headers, allow: 'GET, HEAD' } };
    }
    const claims = req.claims;
    if (claims === undefined) return unauthorized();
    if (path === '/hl7v2/messages') return messages.listMessages(claims, req.query);
    if (path === '/hl7v2/errors') return listErrors(claims, req.query);
    if (path === '/patients') return patients.findPatients(claims, req.query);
    if (b !== null) {
      const id = decode(b[1] as string);
      return id === undefined ? notFound('batch') : getBatch(claims, id, req.query);
    }
    if (p !== null) {
      const id = decode(p[1] as string);
      return id === undefined ? notFound('patient') : patients.getPatient(claims, id, req.query);
    }
    const id = decode((m as RegExpExecArray)[1] as string);
    if (id === undefined) return notFound('message');
    onlyParams(req.query, []);
    switch ((m as RegExpExecArray)[2]) {
      case 'raw':
        return messages.getRaw(claims, id);
      case 'staging':
        return messages.getStaging(claims, id);
      case 'lineage':
        return lineage(claims, id);
      default:
        return messages.getMessage(claims, id);
    }
  }

  return {
    /** Answers one read request; parameter errors become 400 with the parameter named. */
    async handle(req: HttpRequest): Promise<HttpResult> {
      try {
        return await route(req);
      } catch (err) {
        if (err instanceof QueryParameterError) return httpError(400, 'BAD_REQUEST', err.message, { parameter: err.parameter });
        throw err;
      }
    },
  };
}

export type QueryApi = ReturnType<typeof createQueryApi>;
