import type { Claims, ErrorQuery, ErrorRecord, MessageRecord } from '@hcdl/lake';
import { readableSources } from './access';
import { decodeCursor, encodeCursor, fingerprint, withInnerCursor } from './cursor';
import { json, type HttpResult } from '../http/result';
import { codeOf, instantOf, limitOf, onlyParams, sortOf, sourcesOfParam, textOf, type QueryParams } from './params';
import type { QueryApiPorts } from './ports';

export const LIST_ERROR_PARAMS = ['source', 'since', 'code', 'sort', 'limit', 'cursor'] as const;

/** One diagnostic with the message it belongs to (source, type, current status). */
export interface ErrorView extends ErrorRecord {
  source?: string;
  messageType?: string;
  /** The message's status now (a replayed message may be staged since). */
  status?: string;
}

/**
 * GET /hl7v2/errors?source=&since=&code=&sort=&limit=&cursor=: the diagnostics of failed
 * staging attempts (every attempt is kept, replays included), newest first unless
 * `sort=asc`, over the sources the caller may read. `since` bounds the diagnostic's time.
 */
export function createErrorRoutes(ports: QueryApiPorts) {
  return async function listErrors(claims: Claims, query: QueryParams): Promise<HttpResult> {
    onlyParams(query, LIST_ERROR_PARAMS);
    const requested = sourcesOfParam(query);
    const filters = { errors: true, source: requested, since: instantOf(query, 'since'), code: codeOf(query), sort: sortOf(query) };
    const limit = limitOf(query);
    const at = decodeCursor(fingerprint(filters), textOf(query, 'cursor'));
    const sources = readableSources(claims, requested);
    if (sources !== undefined && sources.length === 0) return json(200, { items: [] });
    const q: ErrorQuery = { limit, order: filters.sort };
    if (sources !== undefined) q.source = sources;
    if (filters.since !== undefined) q.since = filters.since;
    if (filters.code !== undefined) q.code = filters.code;
    if (at.c !== undefined) q.cursor = at.c;
    const page = await withInnerCursor(q.cursor !== undefined, () => ports.catalog.listErrors(q));
    const messages = new Map<string, MessageRecord | undefined>();
    const items: ErrorView[] = [];
    for (const e of page.items) {
      if (!messages.has(e.messageId)) messages.set(e.messageId, await ports.catalog.getMessage(e.messageId));
      const m = messages.get(e.messageId);
      const view: ErrorView = { ...e };
      if (m !== undefined) {
        view.source = m.source;
        view.status = m.status;
        if (m.messageType !== undefined) view.messageType = m.messageType;
      }
      items.push(view);
    }
    return json(200, page.cursor === undefined ? { items } : { items, cursor: encodeCursor(fingerprint(filters), { p: 0, c: page.cursor }) });
  };
}
