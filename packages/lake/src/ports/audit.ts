import type { CatalogColumn } from '../catalog-rows';

/**
 * The audit trail (docs/adr/0016): one record per call that reads or writes message or
 * patient data, and per read of the trail itself. Append-only: the port has no update and no
 * delete, and every adapter refuses an id appended twice (CatalogConflictError). Records hold
 * ids (message, patient, batch), never content, names or patient identifiers.
 */
export const AuditAction = {
  Read: 'read',
  Search: 'search',
  Write: 'write',
  /** An SQL query run on the lake's host (`hcdl query`): the views it read, a hash of its text, the rows it answered. */
  Query: 'query',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

export const AuditOutcome = {
  Success: 'success',
  /** Refused: no or invalid token, no right, or a message of a source the caller may not read. */
  Denied: 'denied',
  NotFound: 'not-found',
  Invalid: 'invalid',
  Duplicate: 'duplicate',
  Error: 'error',
} as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

export interface AuditRecord {
  /** Time-ordered (ULID): the trail's order and its paging cursor. */
  auditId: string;
  at: string;
  /**
   * The token's `sub` (`anonymous` without a valid token); `mllp:<source>` for an MLLP frame
   * (the listener's configured source); `os:<user>` for a command run on the lake's host.
   */
  principal: string;
  /** Where the call came from (the client address as the transport saw it; the host name for a local command). */
  client?: string;
  action: AuditAction;
  /** The HTTP method; `MLLP` for a frame, `SQL` for a query. */
  method: string;
  /** The route template (`/hl7v2/messages/{id}`), never the concrete path or query; `mllp`, `hcdl query` otherwise. */
  route: string;
  entityType: string;
  /** The message, patient or batch ids the call named or wrote. */
  entityIds: string[];
  /** The source of the message read or written, when known. */
  source?: string;
  /** The patient of the message read, or the patient read. */
  patientId?: string;
  outcome: AuditOutcome;
  /** The HTTP status; 0 for a call that had none (an MLLP frame, a query). */
  status: number;
  /** Items a search answered; rows a query answered. */
  count?: number;
  /** SHA-256 (hex) of a query's SQL text: the same query is recognisable, the text (which may hold identifiers) is not kept. */
  sqlSha256?: string;
}

export interface AuditQuery {
  /** Inclusive ISO instant. */
  since?: string;
  /** Exclusive ISO instant. */
  until?: string;
  principal?: string;
  /** Records whose entityIds hold this id, or whose patientId is it. */
  entityId?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  limit: number;
  /** Records strictly after this auditId (the previous page's `next`). */
  after?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  /** Present when more records match: pass it as `after`. */
  next?: string;
}

export interface AuditTrail {
  /** Durable when it resolves; CatalogConflictError when the auditId is already there. */
  append(record: AuditRecord): Promise<void>;
  /** Matching records in auditId order. */
  query(query: AuditQuery): Promise<AuditPage>;
}

/** Whether a record matches a query's filters (not its paging): the one rule every adapter applies. */
export function auditMatches(r: AuditRecord, q: AuditQuery): boolean {
  if (q.since !== undefined && r.at < q.since) return false;
  if (q.until !== undefined && r.at >= q.until) return false;
  if (q.principal !== undefined && r.principal !== q.principal) return false;
  if (q.action !== undefined && r.action !== q.action) return false;
  if (q.outcome !== undefined && r.outcome !== q.outcome) return false;
  if (q.entityId !== undefined && !r.entityIds.includes(q.entityId) && r.patientId !== q.entityId) return false;
  return true;
}

/** A page of matching records from candidates in auditId order (adapters that filter in memory). */
export function auditPageOf(candidates: Iterable<AuditRecord>, q: AuditQuery): AuditPage {
  const records: AuditRecord[] = [];
  for (const r of candidates) {
    if (q.after !== undefined && r.auditId <= q.after) continue;
    if (!auditMatches(r, q)) continue;
    if (records.length === q.limit) return { records, next: (records[records.length - 1] as AuditRecord).auditId };
    records.push(r);
  }
  return { records };
}

/** Where the AWS trail keeps a record (one JSON object each; the Glue table `audit` reads the prefix). */
export const AUDIT_PREFIX = 'audit/';
export const auditKey = (r: Pick<AuditRecord, 'auditId' | 'at'>): string => `${AUDIT_PREFIX}dt=${r.at.slice(0, 10)}/${r.auditId}.json`;

const c = (name: string, key: string, type: CatalogColumn['type']): CatalogColumn => ({ name, key, type });

/** The `audit` SQL view's columns (local DuckDB view and the Glue table). */
export const AUDIT_COLUMNS: readonly CatalogColumn[] = [
  c('audit_id', 'auditId', 'VARCHAR'),
  c('at', 'at', 'TIMESTAMPTZ'),
  c('principal', 'principal', 'VARCHAR'),
  c('client', 'client', 'VARCHAR'),
  c('action', 'action', 'VARCHAR'),
  c('method', 'method', 'VARCHAR'),
  c('route', 'route', 'VARCHAR'),
  c('entity_type', 'entityType', 'VARCHAR'),
  c('entity_ids', 'entityIds', 'VARCHAR[]'),
  c('source', 'source', 'VARCHAR'),
  c('patient_id', 'patientId', 'VARCHAR'),
  c('outcome', 'outcome', 'VARCHAR'),
  c('status', 'status', 'INTEGER'),
  c('count', 'count', 'INTEGER'),
  c('sql_sha256', 'sqlSha256', 'VARCHAR'),
];
