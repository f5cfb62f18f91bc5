import type Database from 'better-sqlite3';
import { type AuditPage, type AuditQuery, type AuditRecord, type AuditTrail, CatalogConflictError } from '@hcdl/lake';
import { type GroupCommit, groupCommitOf } from './group-commit';

/**
 * The table is append-only in SQLite itself, not only in this class: triggers abort any
 * UPDATE or DELETE, so neither a bug here nor a hand-run statement rewrites history (a
 * deliberate `DROP TRIGGER` is needed, which an operator with the file can always do).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  audit_id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  principal TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  patient_id TEXT,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_principal ON audit (principal, audit_id);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at, audit_id);
CREATE TABLE IF NOT EXISTS audit_entities (
  entity_id TEXT NOT NULL,
  audit_id TEXT NOT NULL,
  PRIMARY KEY (entity_id, audit_id)
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_entities_no_update BEFORE UPDATE ON audit_entities BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_entities_no_delete BEFORE DELETE ON audit_entities BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`;

/**
 * The audit trail in the lake's SQLite file (`audit` table), written through the file's group
 * commit (docs/adr/0009): a request's record joins the commit of its own writes, and its answer
 * waits for that commit like any other write. `audit_entities` indexes the ids a record names.
 */
export class SqliteAuditTrail implements AuditTrail {
  private readonly group: GroupCommit;
  // Prepared once: every request appends a record.
  private readonly insert: Database.Statement;
  private readonly entity: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.group = groupCommitOf(db);
    this.insert = db.prepare('INSERT INTO audit (audit_id, at, principal, action, outcome, patient_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.entity = db.prepare('INSERT OR IGNORE INTO audit_entities (entity_id, audit_id) VALUES (?, ?)');
  }

  async append(record: AuditRecord): Promise<void> {
    await this.group.atomic(() => {
      try {
        this.insert.run(record.auditId, record.at, record.principal, record.action, record.outcome, record.patientId ?? null, JSON.stringify(record));
        for (const id of record.entityIds) this.entity.run(id, record.auditId);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new CatalogConflictError(`audit record ${record.auditId} already exists`, { cause: err });
        throw err;
      }
    });
  }

  async query(q: AuditQuery): Promise<AuditPage> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, ...values: unknown[]): void => {
      where.push(clause);
      args.push(...values);
    };
    if (q.after !== undefined) add('audit_id > ?', q.after);
    if (q.since !== undefined) add('at >= ?', q.since);
    if (q.until !== undefined) add('at < ?', q.until);
    if (q.principal !== undefined) add('principal = ?', q.principal);
    if (q.action !== undefined) add('action = ?', q.action);
    if (q.outcome !== undefined) add('outcome = ?', q.outcome);
    if (q.entityId !== undefined) add('(patient_id = ? OR audit_id IN (SELECT audit_id FROM audit_entities WHERE entity_id = ?))', q.entityId, q.entityId);
    const sql = `SELECT doc FROM audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_id LIMIT ?`;
    const docs = this.db
      .prepare(sql)
      .pluck()
      .all(...args, q.limit + 1) as string[];
    const records = docs.slice(0, q.limit).map((d) => JSON.parse(d) as AuditRecord);
    return docs.length > q.limit ? { records, next: (records[records.length - 1] as AuditRecord).auditId } : { records };
  }
}
