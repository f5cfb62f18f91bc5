import { CatalogConflictError } from '../../errors';
import { type AuditPage, type AuditQuery, type AuditRecord, type AuditTrail, auditPageOf } from '../../ports/audit';

/** The audit trail in memory (tests, and the application's own tests of the audit use-case). */
export class MemoryAuditTrail implements AuditTrail {
  private readonly records = new Map<string, AuditRecord>();

  async append(record: AuditRecord): Promise<void> {
    if (this.records.has(record.auditId)) throw new CatalogConflictError(`audit record ${record.auditId} already exists`);
    this.records.set(record.auditId, structuredClone(record));
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    const ordered = [...this.records.values()].sort((a, b) => (a.auditId < b.auditId ? -1 : a.auditId > b.auditId ? 1 : 0));
    const page = auditPageOf(ordered, query);
    return { ...page, records: page.records.map((r) => structuredClone(r)) };
  }
}
