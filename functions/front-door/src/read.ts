import { canRead, type Catalog, type Claims, type MessageRecord } from '@hcdl/lake';
import { httpError, json, type HttpResult } from './http';

/** The catalog entry as the API shows it (zone keys included, no message content). */
export function messageView(r: MessageRecord): Record<string, unknown> {
  return { ...r };
}

/**
 * GET /hl7v2/messages/{id}: the catalog entry and status. ABAC on custom:read; a message the
 * caller may not read answers 404, as one that does not exist (deny by default, no oracle).
 */
export function createGetMessage(deps: { catalog: Pick<Catalog, 'getMessage'> }) {
  return async function getMessage(claims: Claims | undefined, messageId: string): Promise<HttpResult> {
    if (claims === undefined) return httpError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
    const record = await deps.catalog.getMessage(messageId);
    if (record === undefined || !canRead(claims, record.source)) return httpError(404, 'NOT_FOUND', 'no such message');
    return json(200, messageView(record));
  };
}
