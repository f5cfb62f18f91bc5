import {
  AUDIT_PREFIX,
  type AuditPage,
  type AuditQuery,
  type AuditRecord,
  type AuditTrail,
  auditKey,
  auditMatches,
  CatalogConflictError,
  messageIdTime,
  ObjectAlreadyExistsError,
  type ObjectStore,
} from '@hcdl/lake';

/** Records read per query at most: past it the page ends early with a cursor (use Athena's `audit` table for bulk questions). */
export const AUDIT_SCAN_LIMIT = 5000;

/**
 * The audit trail on AWS: one JSON object per record under `audit/dt=<day>/<auditId>.json` in
 * the lake bucket (create-only puts: `If-None-Match`, so a record is never overwritten; the
 * bucket's versioning keeps what was written), read by Athena as the Glue
 * table `audit` (infra analytics stack). Keys sort by time, so `GET /audit` lists from the
 * first day the query can match and stops at its end.
 */
export class ObjectAuditTrail implements AuditTrail {
  constructor(private readonly store: Pick<ObjectStore, 'put' | 'get' | 'list'>) {}

  async append(record: AuditRecord): Promise<void> {
    try {
      await this.store.put({ key: auditKey(record), body: `${JSON.stringify(record)}\n`, contentType: 'application/json', ifNoneMatch: true });
    } catch (err) {
      if (err instanceof ObjectAlreadyExistsError) throw new CatalogConflictError(`audit record ${record.auditId} already exists`, { cause: err });
      throw err;
    }
  }

  async query(q: AuditQuery): Promise<AuditPage> {
    const records: AuditRecord[] = [];
    const startAfter = this.startAfter(q);
    const end = q.until !== undefined ? `${AUDIT_PREFIX}dt=${q.until.slice(0, 10)}/~` : undefined;
    let scanned = 0;
    let last: string | undefined;
    for await (const key of this.store.list(AUDIT_PREFIX, startAfter !== undefined ? { startAfter } : {})) {
      if (end !== undefined && key > end) break;
      const object = await this.store.get(key);
      if (object === undefined) continue;
      const record = JSON.parse(Buffer.from(object.body).toString('utf8')) as AuditRecord;
      last = record.auditId;
      if (auditMatches(record, q)) {
        if (records.length === q.limit) return { records, next: (records[records.length - 1] as AuditRecord).auditId };
        records.push(record);
      }
      if (++scanned >= AUDIT_SCAN_LIMIT) return { records, next: last };
    }
    return { records };
  }

  /** The key to list after: the cursor's record, else the start of the `since` day. */
  private startAfter(q: AuditQuery): string | undefined {
    if (q.after !== undefined) return auditKey({ auditId: q.after, at: new Date(messageIdTime(q.after)).toISOString() });
    if (q.since !== undefined) return `${AUDIT_PREFIX}dt=${q.since.slice(0, 10)}/`;
    return undefined;
  }
}
