import type { Page } from './catalog';

/** What a version did to its resource (the `change` of its `fhir-changed` event). */
export const ResourceChange = {
  Create: 'create',
  Update: 'update',
  Delete: 'delete',
  /** A version made by a patient merge (A34/A40/A47...), for either patient of the merge. */
  Merge: 'merge',
} as const;
export type ResourceChange = (typeof ResourceChange)[keyof typeof ResourceChange];

/** One version of a FHIR resource in the refined zone. */
export interface ResourceVersion {
  resourceType: string;
  id: string;
  /** 1, 2, ...: one more than the version it follows. */
  versionId: number;
  /** The version this one follows; absent on the first. */
  previousVersionId?: number;
  change: ResourceChange;
  /** When the version was made (ISO instant), `meta.lastUpdated` of the resource. */
  lastUpdated: string;
  /** When the message that made it says its event happened (EVN-2, else MSH-7), epoch ms. */
  eventTime?: number;
  /** The message that made this version, and its source. */
  messageId: string;
  source: string;
  /** The refined zone key of the version's object (refinedKey). */
  key: string;
  /** Hash of the resource's content, lineage and version metadata left out (equal hash: same content). */
  contentHash: string;
  /**
   * The resource as JSON text. Present on every pending version (the outbox holds what the
   * refined zone object must become); an adapter may drop it once the version is published,
   * when the object at `key` holds it. Absent on a delete.
   */
  body?: string;
}

/** An interval of time in epoch ms, `high` exclusive (a date's precision makes its width). */
export interface SearchRange {
  low: number;
  high: number;
}

/** The search values of a resource's current version: exact tokens and time ranges, by parameter name. */
export interface SearchFields {
  tokens?: Readonly<Record<string, readonly string[]>>;
  ranges?: Readonly<Record<string, readonly SearchRange[]>>;
}

/** Comparators of a range criterion, FHIR's date prefixes. */
export type RangeOp = 'eq' | 'gt' | 'ge' | 'lt' | 'le';

/** One search criterion: a token parameter matching any of the values, or a range comparison. */
export type SearchCriterion =
  | { kind: 'token'; name: string; anyOf: readonly string[] }
  | { kind: 'range'; name: string; op: RangeOp; low: number; high: number };

export interface ResourceQuery {
  /** Only this type; undefined: every type. */
  resourceType?: string;
  /** Every criterion must hold (AND); a token criterion holds when any of its values matches (OR). */
  criteria: readonly SearchCriterion[];
  /** Only resources made by a message of one of these sources; undefined: no filter. */
  sources?: readonly string[];
  limit?: number;
  cursor?: string;
}

/** A version committed with its search fields; `version.previousVersionId` must be the current version. */
export interface VersionWrite {
  version: ResourceVersion;
  /** Search values of the new current version (ignored for a delete: a deleted resource is not found). */
  search: SearchFields;
}

/**
 * ResourceStore port: the refined zone's index. Current version by type and id, version
 * history, search over current versions, the sources of the messages that made each
 * resource (ABAC), and the outbox of change events committed with each version.
 * Local adapter: SQLite; AWS: DynamoDB (its table stream announces published versions).
 * The rules every adapter shares are in resource-store-policy.ts.
 */
export interface ResourceStore {
  /** The latest version (a delete's tombstone included), or undefined for an unknown resource. */
  current(resourceType: string, id: string): Promise<ResourceVersion | undefined>;
  version(resourceType: string, id: string, versionId: number): Promise<ResourceVersion | undefined>;
  /** Versions newest first, paged. */
  history(resourceType: string, id: string, page?: { limit?: number; cursor?: string }): Promise<Page<ResourceVersion>>;
  /**
   * Commits a version atomically with its search fields, its message's source and its outbox
   * entry: it becomes current and pending. Throws ResourceConflictError when the current
   * version is not `previousVersionId` (or the version is not one more), ValidationError on a
   * malformed version. Durable on resolve.
   */
  commit(write: VersionWrite): Promise<void>;
  /** Records that a message of `source` made this resource's current content (it made no new version). */
  addSource(resourceType: string, id: string, contribution: { source: string; messageId: string }): Promise<void>;
  /** The distinct sources of the messages that made the resource (its versions, or the same content). */
  sourcesOf(resourceType: string, id: string): Promise<string[]>;
  /** Current, not deleted versions matching the query, ordered by type then id, paged. */
  search(query: ResourceQuery): Promise<Page<ResourceVersion>>;
  /** The outbox: committed versions not yet published, in commit order, at most `limit`. */
  pending(limit?: number): Promise<ResourceVersion[]>;
  /** Marks versions published (by event id, `<Type>/<id>/_history/<v>`); unknown or published ones are ignored. */
  markPublished(eventIds: readonly string[]): Promise<void>;
}

export interface ChangeQuery {
  /** Position of the last change already seen (a ChangeEntry's `position`); undefined: from the start. */
  after?: string;
  types?: readonly string[];
  sources?: readonly string[];
  limit?: number;
}

/** A version in the change feed with its position (pass it back as `after`). */
export interface ChangeEntry {
  position: string;
  version: ResourceVersion;
}

/**
 * ChangeFeed port: every version in commit order, with a position to resume from, filtered
 * by type and by the sources of the resources. The local store has it (the HTTP change feed
 * and its event stream); on AWS the EventBridge archive is the replayable feed.
 */
export interface ChangeFeed {
  changes(query: ChangeQuery): Promise<{ items: ChangeEntry[]; cursor?: string }>;
}
