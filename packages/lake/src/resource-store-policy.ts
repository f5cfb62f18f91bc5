import { ResourceConflictError, ValidationError } from './errors';
import { isResourceId, isResourceType, refinedKey, resourceEventId } from './refined';
import {
  ResourceChange,
  type RangeOp,
  type ResourceVersion,
  type SearchCriterion,
  type SearchFields,
  type SearchRange,
  type VersionWrite,
} from './ports/resource-store';

/**
 * Rules every ResourceStore adapter applies the same way (memory, SQLite, DynamoDB): what a
 * version must look like, when a commit conflicts, how criteria match search fields, and the
 * ordering of search results. Adapters do only the I/O around them.
 */

const CHANGES: readonly string[] = Object.values(ResourceChange);

/** Checks type and id (they become keys and paths). */
export function checkResourceRef(resourceType: string, id: string): void {
  if (!isResourceType(resourceType)) throw new ValidationError('not a FHIR resource type');
  if (!isResourceId(id)) throw new ValidationError('not a FHIR resource id');
}

/** Refuses a version no adapter may store: bad names, numbering, key, missing body, unknown change. */
export function checkVersion(v: ResourceVersion): void {
  checkResourceRef(v.resourceType, v.id);
  if (!Number.isSafeInteger(v.versionId) || v.versionId < 1) throw new ValidationError('versionId must be a whole number from 1');
  if (v.previousVersionId !== undefined && v.previousVersionId !== v.versionId - 1) throw new ValidationError('previousVersionId must be versionId - 1');
  if (v.previousVersionId === undefined && v.versionId !== 1) throw new ValidationError('a version after the first names its previous version');
  if (!CHANGES.includes(v.change)) throw new ValidationError('change must be create, update, delete or merge');
  if (v.key !== refinedKey(v.resourceType, v.id, v.versionId)) throw new ValidationError('key must be the refined zone key of the version');
  if (Number.isNaN(Date.parse(v.lastUpdated))) throw new ValidationError('lastUpdated must be an ISO instant');
  if (v.change === ResourceChange.Delete ? v.body !== undefined : typeof v.body !== 'string') {
    throw new ValidationError('a version holds its resource as JSON text, a delete holds none');
  }
  if (v.messageId === '' || v.source === '' || v.contentHash === '') throw new ValidationError('a version names its message, source and content hash');
}

/**
 * Checks a write against the resource's current version: the write must follow it exactly
 * (optimistic concurrency: two writers of one resource cannot both make version n).
 */
export function checkFollows(write: VersionWrite, current: Pick<ResourceVersion, 'versionId'> | undefined): void {
  checkVersion(write.version);
  const { resourceType, id, previousVersionId } = write.version;
  if (current?.versionId !== previousVersionId) {
    throw new ResourceConflictError(`${resourceType}/${id} is at version ${String(current?.versionId ?? 0)}, not ${String(previousVersionId ?? 0)}`);
  }
}

export const eventIdOf = (v: Pick<ResourceVersion, 'resourceType' | 'id' | 'versionId'>): string => resourceEventId(v.resourceType, v.id, v.versionId);

/** The type, id and version of an event id (`<Type>/<id>/_history/<v>`); undefined when malformed. */
export function parseEventId(eventId: string): { resourceType: string; id: string; versionId: number } | undefined {
  const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\/_history\/(\d{1,15})$/.exec(eventId);
  if (m === null) return undefined;
  return { resourceType: m[1] as string, id: m[2] as string, versionId: Number(m[3]) };
}

/**
 * Whether a target interval matches a range criterion (FHIR date search, both sides as
 * intervals): eq the target lies within the value; gt/ge some of it is after the value's end /
 * start; lt/le some of it is before the value's start / end.
 */
export function rangeMatches(op: RangeOp, target: SearchRange, low: number, high: number): boolean {
  switch (op) {
    case 'eq':
      return target.low >= low && target.high <= high;
    case 'gt':
      return target.high > high;
    case 'ge':
      return target.high > low;
    case 'lt':
      return target.low < low;
    case 'le':
      return target.low < high;
  }
}

/** Whether the search fields satisfy one criterion. */
export function criterionMatches(fields: SearchFields, c: SearchCriterion): boolean {
  if (c.kind === 'token') {
    const values = fields.tokens?.[c.name] ?? [];
    return c.anyOf.some((v) => values.includes(v));
  }
  return (fields.ranges?.[c.name] ?? []).some((r) => rangeMatches(c.op, r, c.low, c.high));
}

/** Whether the search fields satisfy every criterion. */
export const criteriaMatch = (fields: SearchFields, criteria: readonly SearchCriterion[]): boolean => criteria.every((c) => criterionMatches(fields, c));

/** The order of search results (type, then id) as one sortable text. */
export const searchOrderKey = (resourceType: string, id: string): string => `${resourceType}/${id}`;

/** Outbox reads: 100 by default, 1 to 1000. */
export function pendingLimit(limit: number | undefined): number {
  const n = Math.trunc(limit ?? 100);
  return Number.isFinite(n) ? Math.min(Math.max(n, 1), 1000) : 100;
}

/** Search values as stored: tokens and ranges without repeats, empty names left out. */
export function normalizeSearch(fields: SearchFields): { tokens: Record<string, string[]>; ranges: Record<string, SearchRange[]> } {
  const tokens: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(fields.tokens ?? {})) if (values.length > 0) tokens[name] = [...new Set(values)].sort();
  const ranges: Record<string, SearchRange[]> = {};
  for (const [name, values] of Object.entries(fields.ranges ?? {})) {
    const ok = values.filter((r) => Number.isFinite(r.low) && Number.isFinite(r.high) && r.high > r.low);
    if (ok.length > 0) ranges[name] = ok.map((r) => ({ low: r.low, high: r.high }));
  }
  return { tokens, ranges };
}
