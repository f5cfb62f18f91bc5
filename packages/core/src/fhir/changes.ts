import { type ChangeEntry, type ChangeFeed, type Claims, isResourceType, type ObjectStore, rawKey, type ResourceVersion, ValidationError } from '@hcdl/lake';
import { readableSources } from '../read/access';
import { QueryParameterError } from '../read/errors';
import { onlyParams, type QueryParams, textOf } from '../read/params';
import { countOf } from './search-params';

export const CHANGES_PARAMS = ['since', '_type', '_count'] as const;

/** One change as the feed shows it: the event's fields, the full resource (none for a delete) and its lineage. */
export interface ChangeView {
  position: string;
  eventId: string;
  change: ResourceVersion['change'];
  resourceType: string;
  resourceId: string;
  versionId: string;
  previousVersionId?: string;
  at: string;
  messageId: string;
  source: string;
  resourceKey: string;
  lineage: { rawKey: string; message: string };
  resource?: unknown;
}

export interface ChangesPage {
  items: ChangeView[];
  /** The position to ask from next (`since`): the last item's, or the one asked from when nothing came. */
  next?: string;
  /** Whether more changes were waiting when this page was read. */
  more: boolean;
}

export interface ChangesQuery {
  since?: string;
  types?: string[];
  limit: number;
}

/** The parameters of `GET /fhir/_changes` (and of its event stream). */
export function changesQueryOf(query: QueryParams, allowed: readonly string[] = CHANGES_PARAMS): ChangesQuery {
  onlyParams(query, allowed);
  const since = textOf(query, 'since');
  const typeText = textOf(query, '_type');
  const types = typeText?.split(',').map((t) => t.trim());
  if (types !== undefined && !types.every(isResourceType)) throw new QueryParameterError('_type', '_type must be FHIR resource types, comma separated');
  const q: ChangesQuery = { limit: countOf(query) };
  if (since !== undefined) q.since = since;
  if (types !== undefined) q.types = types;
  return q;
}

/**
 * Pages of the change feed as the caller may see them: changes of resources made by a
 * message of a source the caller may read, each with its resource (from the version, or the
 * refined zone object once the store dropped it) and lineage.
 */
export function createChangesReader(deps: { changeFeed: ChangeFeed; objectStore: Pick<ObjectStore, 'get'> }) {
  async function resourceOf(v: ResourceVersion): Promise<unknown> {
    if (v.body !== undefined) return JSON.parse(v.body);
    const stored = await deps.objectStore.get(v.key);
    return stored === undefined ? undefined : JSON.parse(Buffer.from(stored.body).toString('utf8'));
  }

  async function viewOf(e: ChangeEntry): Promise<ChangeView> {
    const v = e.version;
    const view: ChangeView = {
      position: e.position,
      eventId: `${v.resourceType}/${v.id}/_history/${v.versionId}`,
      change: v.change,
      resourceType: v.resourceType,
      resourceId: v.id,
      versionId: String(v.versionId),
      at: v.lastUpdated,
      messageId: v.messageId,
      source: v.source,
      resourceKey: v.key,
      lineage: { rawKey: rawKey(v.source, v.messageId), message: `/hl7v2/messages/${v.messageId}/lineage` },
    };
    if (v.previousVersionId !== undefined) view.previousVersionId = String(v.previousVersionId);
    if (v.change !== 'delete') view.resource = await resourceOf(v);
    return view;
  }

  return async function changesPage(claims: Claims, q: ChangesQuery): Promise<ChangesPage> {
    const sources = readableSources(claims);
    const keep = q.since === undefined ? {} : { next: q.since };
    if (sources !== undefined && sources.length === 0) return { items: [], more: false, ...keep };
    let page: Awaited<ReturnType<ChangeFeed['changes']>>;
    try {
      page = await deps.changeFeed.changes({
        limit: q.limit,
        ...(q.since !== undefined ? { after: q.since } : {}),
        ...(q.types !== undefined ? { types: q.types } : {}),
        ...(sources !== undefined ? { sources } : {}),
      });
    } catch (err) {
      if (err instanceof ValidationError) throw new QueryParameterError('since', 'since must be a position this feed gave', { cause: err });
      throw err;
    }
    const items: ChangeView[] = [];
    for (const e of page.items) items.push(await viewOf(e));
    const last = items.at(-1)?.position ?? q.since;
    return { items, more: page.cursor !== undefined, ...(last !== undefined ? { next: last } : {}) };
  };
}

export type ChangesReader = ReturnType<typeof createChangesReader>;
