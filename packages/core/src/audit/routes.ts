import { AuditAction, type AuditQuery, AuditOutcome, type AuditTrail, type Claims, isMessageId } from '@hcdl/lake';
import { httpError, json, unauthorized, type HttpResult } from '../http/result';
import { QueryParameterError } from '../read/errors';
import { instantOf, limitOf, onlyParams, textOf, type QueryParams } from '../read/params';

export const AUDIT_PATH = '/audit';

/** The claim that grants reading the audit trail: `*` or `true` (anything else grants nothing). */
export const AUDIT_CLAIM = 'custom:audit';

export const canReadAudit = (claims: Claims | undefined): boolean => {
  const v = claims?.[AUDIT_CLAIM];
  const text = typeof v === 'string' ? v.trim().toLowerCase() : v === true ? 'true' : '';
  return text === '*' || text === 'true';
};

const oneOf = <T extends string>(query: QueryParams, name: string, values: readonly T[]): T | undefined => {
  const v = textOf(query, name);
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) throw new QueryParameterError(name, `${name} must be one of ${values.join(', ')}`);
  return v as T;
};

const AUDIT_PARAMS = ['since', 'until', 'principal', 'entity', 'action', 'outcome', 'limit', 'cursor'] as const;

/**
 * GET /audit: the trail, oldest first, for a principal with the `custom:audit` claim (403
 * otherwise). The cursor is the last record's id (records are immutable: it cannot go stale).
 */
export function createAuditRoute(trail: AuditTrail) {
  return async (claims: Claims | undefined, query: QueryParams): Promise<HttpResult> => {
    if (claims === undefined) return unauthorized();
    if (!canReadAudit(claims)) return httpError(403, 'FORBIDDEN', `reading the audit trail needs the ${AUDIT_CLAIM} claim`);
    try {
      onlyParams(query, AUDIT_PARAMS);
      const q: AuditQuery = { limit: limitOf(query) };
      const since = instantOf(query, 'since');
      const until = instantOf(query, 'until');
      const principal = textOf(query, 'principal');
      const entityId = textOf(query, 'entity');
      const action = oneOf(query, 'action', Object.values(AuditAction));
      const outcome = oneOf(query, 'outcome', Object.values(AuditOutcome));
      const after = textOf(query, 'cursor');
      if (after !== undefined && !isMessageId(after)) throw new QueryParameterError('cursor', 'cursor must be the cursor of the previous page');
      Object.assign(q, {
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(principal !== undefined ? { principal } : {}),
        ...(entityId !== undefined ? { entityId } : {}),
        ...(action !== undefined ? { action } : {}),
        ...(outcome !== undefined ? { outcome } : {}),
        ...(after !== undefined ? { after } : {}),
      });
      const page = await trail.query(q);
      return json(200, { items: page.records, ...(page.next !== undefined ? { cursor: page.next } : {}) });
    } catch (err) {
      if (err instanceof QueryParameterError) return httpError(400, 'BAD_REQUEST', err.message, { parameter: err.parameter });
      throw err;
    }
  };
}
