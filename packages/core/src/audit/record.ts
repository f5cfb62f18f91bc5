import {
  AuditOutcome,
  type AuditRecord,
  type AuditTrail,
  type Catalog,
  type Claims,
  type HttpRequest,
  type HttpResult,
  type LogPort,
  newMessageId,
  sourcesOf,
  WRITE_CLAIM,
} from '@hcdl/lake';
import type { RouteDoc } from '../http/openapi/types';
import { header } from '../http/result';

/** What the audit of the HTTP API needs (docs/adr/0016). */
export interface AuditDeps {
  trail: AuditTrail;
  /** Message reads are enriched with the message's source and patient, and a 404 on a message that exists is a denial. */
  catalog?: Pick<Catalog, 'getMessage'>;
  logger: LogPort;
  now?: () => Date;
}

const principalOf = (claims: Claims | undefined): string => (typeof claims?.sub === 'string' && claims.sub !== '' ? claims.sub : 'anonymous');

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return AuditOutcome.Success;
  if (status === 401 || status === 403) return AuditOutcome.Denied;
  if (status === 404) return AuditOutcome.NotFound;
  if (status === 409) return AuditOutcome.Duplicate;
  if (status < 500) return AuditOutcome.Invalid;
  return AuditOutcome.Error;
}

/** The id in a `{id}` route's path (already matched against the template). */
function pathId(route: RouteDoc, path: string): string | undefined {
  const at = route.path.split('/').indexOf('{id}');
  if (at < 0) return undefined;
  const part = path.split('/')[at];
  if (part === undefined) return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

const jsonBody = (r: HttpResult): Record<string, unknown> | undefined => {
  if (!(r.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  try {
    const v = JSON.parse(typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Message ids a submission's JSON answer names (one, or one per message of a batch). */
function writtenIds(body: Record<string, unknown> | undefined): string[] {
  if (body === undefined) return [];
  if (typeof body.messageId === 'string') return [body.messageId];
  const details = (body.error as { details?: { messageId?: unknown } } | undefined)?.details;
  if (typeof details?.messageId === 'string') return [details.messageId];
  if (Array.isArray(body.messages))
    return body.messages.flatMap((m) => (typeof (m as { messageId?: unknown }).messageId === 'string' ? [(m as { messageId: string }).messageId] : []));
  return [];
}

/**
 * Builds the audit record of one call of an audited route (RouteDoc.audit) from the request,
 * its answer and the route: who (the token's `sub`), from where, what (route template, ids),
 * when, and the outcome. Never the concrete path's query values nor any content.
 */
export function createAuditRecorder(deps: AuditDeps) {
  const now = (): Date => deps.now?.() ?? new Date();

  async function recordOf(req: HttpRequest, result: HttpResult, route: RouteDoc): Promise<AuditRecord> {
    const at = now();
    const id = pathId(route, req.path);
    const body = route.audit === 'write' || route.audit === 'search' ? jsonBody(result) : undefined;
    const record: AuditRecord = {
      auditId: newMessageId(at.getTime()),
      at: at.toISOString(),
      principal: principalOf(req.claims),
      action: route.audit ?? 'read',
      method: req.method.toUpperCase(),
      route: route.path,
      entityType: route.entity ?? 'none',
      entityIds: id !== undefined ? [id] : route.audit === 'write' ? writtenIds(body) : [],
      outcome: outcomeOf(result.status),
      status: result.status,
    };
    if (req.client !== undefined) record.client = req.client;
    if (route.entity === 'patient' && id !== undefined) record.patientId = id;
    if (route.audit === 'write') {
      // The source the submission names, else the only one the token may write for (as submit chooses).
      const writable = sourcesOf(req.claims, WRITE_CLAIM);
      const source = req.query.source ?? header(req.headers, 'x-hcdl-source') ?? (writable.length === 1 && writable[0] !== '*' ? writable[0] : undefined);
      if (source !== undefined && source !== '') record.source = source;
    }
    if (route.audit === 'search' && Array.isArray(body?.items)) record.count = body.items.length;
    if (
      route.entity === 'message' &&
      id !== undefined &&
      deps.catalog !== undefined &&
      (result.status < 300 || result.status === 401 || result.status === 403 || result.status === 404)
    ) {
      const message = await deps.catalog.getMessage(id);
      if (message !== undefined) {
        record.source = message.source;
        if (message.patientId !== undefined) record.patientId = message.patientId;
        // The caller was told "no such message" (no oracle); the trail says the truth.
        if (result.status === 404 && (jsonBody(result)?.error as { code?: unknown } | undefined)?.code === 'NOT_FOUND') record.outcome = AuditOutcome.Denied;
      }
    }
    return record;
  }

  return {
    /** Appends the call's record; throws when the trail cannot take it (the caller answers 500: no unaudited answer). */
    async record(req: HttpRequest, result: HttpResult, route: RouteDoc): Promise<AuditRecord> {
      const record = await recordOf(req, result, route);
      await deps.trail.append(record);
      return record;
    },
  };
}

export type AuditRecorder = ReturnType<typeof createAuditRecorder>;
