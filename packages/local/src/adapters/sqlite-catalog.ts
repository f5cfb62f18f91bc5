import type Database from 'better-sqlite3';
import { type GroupCommit, groupCommitOf } from './group-commit';
import {
  applyMessagePatch,
  catalogErrors,
  checkUpdatable,
  conflictOrder,
  decodePageCursor,
  encodePageCursor,
  filterList,
  linkPair,
  occurrenceOrder,
  pageLimit,
  queryInstant,
  ValidationError,
  type Catalog,
  type ContentClaim,
  ContentClaimedError,
  claimInForce,
  type PutMessageOptions,
  type ErrorQuery,
  type ErrorRecord,
  type MessagePatch,
  type MessageQuery,
  type MessageRecord,
  type MessageStatus,
  type Page,
  type PatientConflictRecord,
  type PatientIdentifierRecord,
  type PatientLinkRecord,
  type PatientMergeRecord,
  type PatientOccurrenceRecord,
} from '@hcdl/lake';

/** Columns besides the JSON document, kept for indexed queries. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  message_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  message_type TEXT,
  received_at TEXT NOT NULL,
  patient_id TEXT,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_source_received ON messages (source, received_at, message_id);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status, message_id);
CREATE INDEX IF NOT EXISTS messages_patient ON messages (patient_id, message_id);
CREATE TABLE IF NOT EXISTS errors (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL,
  code TEXT NOT NULL,
  at TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS errors_message ON errors (message_id, seq);
CREATE TABLE IF NOT EXISTS patient_identifiers (
  identifier TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS patient_identifiers_patient ON patient_identifiers (patient_id, identifier);
CREATE TABLE IF NOT EXISTS patient_links (
  patient_a TEXT NOT NULL,
  patient_b TEXT NOT NULL,
  at TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (patient_a, patient_b)
);
CREATE INDEX IF NOT EXISTS patient_links_b ON patient_links (patient_b, patient_a);
CREATE TABLE IF NOT EXISTS patient_merges (
  merged_patient_id TEXT PRIMARY KEY,
  survivor_patient_id TEXT NOT NULL,
  at TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS patient_merges_survivor ON patient_merges (survivor_patient_id, at);
CREATE TABLE IF NOT EXISTS patient_occurrences (
  identifier TEXT NOT NULL,
  source TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (identifier, source)
);
CREATE INDEX IF NOT EXISTS patient_occurrences_patient ON patient_occurrences (patient_id, identifier, source);
CREATE TABLE IF NOT EXISTS patient_conflicts (
  identifier TEXT NOT NULL,
  source TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  conflicting_patient_id TEXT NOT NULL,
  at TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (identifier, source)
);
CREATE INDEX IF NOT EXISTS patient_conflicts_patient ON patient_conflicts (patient_id);
CREATE INDEX IF NOT EXISTS patient_conflicts_conflicting ON patient_conflicts (conflicting_patient_id);
CREATE TABLE IF NOT EXISTS content_claims (
  source TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  message_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (source, content_hash)
);
`;

/** The seq of an errors-listing cursor (the port's cursor wraps it as text). */
function seqOf(cursor: string): number {
  const seq = Number(decodePageCursor(cursor));
  if (!Number.isSafeInteger(seq) || seq < 0) throw new ValidationError('cursor is not a cursor of this listing');
  return seq;
}

/**
 * Catalog on SQLite (better-sqlite3, WAL). Every write goes through the connection's group
 * commit (./group-commit.ts): it resolves once the commit holding it is on disk, so a row
 * survives a power cut before the front door answers 2xx, and concurrent writes share one
 * sync. Rows keep the full record as JSON plus the columns the queries filter on.
 */
export class SqliteCatalog implements Catalog {
  private readonly group: GroupCommit;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.group = groupCommitOf(db);
  }

  /** A prepared statement, prepared once per connection. */
  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (s === undefined) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /** Resolves when every write made so far is durable (reads whose answer leaves the process wait for it). */
  settled(): Promise<void> {
    return this.group.settled();
  }

  async putMessage(record: MessageRecord, options: PutMessageOptions = {}): Promise<void> {
    // One savepoint: the claim and the row are written together or not at all.
    const put = (): void => {
      if (options.claimUntil !== undefined) this.claim(record, options.claimUntil);
      this.sql('INSERT INTO messages (message_id, source, status, message_type, received_at, patient_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        record.messageId,
        record.source,
        record.status,
        record.messageType ?? null,
        record.receivedAt,
        record.patientId ?? null,
        JSON.stringify(record),
      );
    };
    await this.group.atomic(() => {
      try {
        put();
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw catalogErrors.exists(record.messageId, err);
        throw err;
      }
    });
  }

  /** Takes (source, contentHash) for the row, unless a claim still in force holds it (the unique key of the window). */
  private claim(record: MessageRecord, until: number): void {
    const taken = this.sql(
      `INSERT INTO content_claims (source, content_hash, message_id, expires_at) VALUES (@source, @hash, @id, @until)
         ON CONFLICT (source, content_hash) DO UPDATE SET message_id = excluded.message_id, expires_at = excluded.expires_at
         WHERE content_claims.expires_at <= @now`,
    ).run({ source: record.source, hash: record.contentHash, id: record.messageId, until, now: Math.floor(Date.now() / 1000) });
    if (taken.changes === 0) throw new ContentClaimedError(this.claimRow(record.source, record.contentHash)?.messageId ?? 'unknown');
  }

  private claimRow(source: string, contentHash: string): ContentClaim | undefined {
    const row = this.sql('SELECT message_id, expires_at FROM content_claims WHERE source = ? AND content_hash = ?').get(source, contentHash) as
      | { message_id: string; expires_at: number }
      | undefined;
    return row === undefined ? undefined : { source, contentHash, messageId: row.message_id, expiresAt: row.expires_at };
  }

  async getContentClaim(source: string, contentHash: string): Promise<ContentClaim | undefined> {
    const claim = claimInForce(this.claimRow(source, contentHash));
    // The holder's id leaves the process (a duplicate's answer): only once its row is durable.
    if (claim !== undefined) await this.group.observed();
    return claim;
  }

  async getMessage(messageId: string): Promise<MessageRecord | undefined> {
    const row = this.sql('SELECT doc FROM messages WHERE message_id = ?').get(messageId) as { doc: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.doc) as MessageRecord);
  }

  async updateMessage(messageId: string, patch: MessagePatch, expectedStatus?: MessageStatus): Promise<MessageRecord> {
    return this.group.atomic((): MessageRecord => {
      const row = this.sql('SELECT doc FROM messages WHERE message_id = ?').get(messageId) as { doc: string } | undefined;
      const current = checkUpdatable(messageId, row === undefined ? undefined : (JSON.parse(row.doc) as MessageRecord), expectedStatus);
      const next = applyMessagePatch(current, patch);
      this.sql('UPDATE messages SET status = ?, message_type = ?, patient_id = ?, doc = ? WHERE message_id = ?').run(
        next.status,
        next.messageType ?? null,
        next.patientId ?? null,
        JSON.stringify(next),
        messageId,
      );
      return next;
    });
  }

  async listMessages(q: MessageQuery): Promise<Page<MessageRecord>> {
    const where: string[] = [];
    const args: unknown[] = [];
    const sources = filterList(q.source);
    if (sources !== undefined) {
      where.push(`source IN (${sources.map(() => '?').join(',')})`);
      args.push(...sources);
    }
    if (q.messageType !== undefined) where.push('message_type = ?'), args.push(q.messageType);
    // No column of its own: the operator's look-up by MSH-10 reads the row documents.
    if (q.controlId !== undefined) where.push("json_extract(doc, '$.controlId') = ?"), args.push(q.controlId);
    if (q.status !== undefined) where.push('status = ?'), args.push(q.status);
    if (q.patientId !== undefined) where.push('patient_id = ?'), args.push(q.patientId);
    if (q.since !== undefined) where.push('received_at >= ?'), args.push(queryInstant(q.since, 'since'));
    if (q.until !== undefined) where.push('received_at < ?'), args.push(queryInstant(q.until, 'until'));
    const desc = q.order === 'desc';
    if (q.cursor !== undefined) where.push(desc ? 'message_id < ?' : 'message_id > ?'), args.push(decodePageCursor(q.cursor));
    const limit = pageLimit(q.limit);
    const rows = this.db
      .prepare(
        `SELECT message_id, doc FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY message_id ${desc ? 'DESC' : 'ASC'} LIMIT ?`,
      )
      .all(...args, limit + 1) as { message_id: string; doc: string }[];
    const items = rows.slice(0, limit).map((r) => JSON.parse(r.doc) as MessageRecord);
    const page: Page<MessageRecord> = { items };
    const last = items[items.length - 1];
    if (rows.length > limit && last !== undefined) page.cursor = encodePageCursor(last.messageId);
    return page;
  }

  /** Rows in a status, counted up to `cap` (the staging backlog of /health stays cheap whatever its size). */
  countByStatus(status: MessageStatus, cap: number): number {
    return (this.sql('SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE status = ? LIMIT ?)').get(status, cap) as { n: number }).n;
  }

  /** The oldest rows in a status (by id: receive order) after `after`, at most `limit`: the local staging scheduler's queue on disk. */
  oldestByStatus(status: MessageStatus, limit: number, after = ''): MessageRecord[] {
    const rows = this.sql('SELECT doc FROM messages WHERE status = ? AND message_id > ? ORDER BY message_id LIMIT ?').all(status, after, limit) as {
      doc: string;
    }[];
    return rows.map((r) => JSON.parse(r.doc) as MessageRecord);
  }

  async putErrors(records: ErrorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const insert = this.sql('INSERT INTO errors (message_id, code, at, doc) VALUES (?, ?, ?, ?)');
    await this.group.atomic(() => {
      for (const r of records) insert.run(r.messageId, r.code, r.at, JSON.stringify(r));
    });
  }

  async listErrors(q: ErrorQuery): Promise<Page<ErrorRecord>> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.messageId !== undefined) where.push('e.message_id = ?'), args.push(q.messageId);
    if (q.code !== undefined) where.push('e.code = ?'), args.push(q.code);
    if (q.since !== undefined) where.push('e.at >= ?'), args.push(queryInstant(q.since, 'since'));
    const sources = filterList(q.source);
    if (sources !== undefined) {
      where.push(`m.source IN (${sources.map(() => '?').join(',')})`);
      args.push(...sources);
    }
    const desc = q.order === 'desc';
    if (q.cursor !== undefined) where.push(desc ? 'e.seq < ?' : 'e.seq > ?'), args.push(seqOf(q.cursor));
    const limit = pageLimit(q.limit);
    const rows = this.db
      .prepare(
        `SELECT e.seq, e.doc FROM errors e LEFT JOIN messages m ON m.message_id = e.message_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq ${desc ? 'DESC' : 'ASC'} LIMIT ?`,
      )
      .all(...args, limit + 1) as { seq: number; doc: string }[];
    const page: Page<ErrorRecord> = { items: rows.slice(0, limit).map((r) => JSON.parse(r.doc) as ErrorRecord) };
    const last = rows[limit - 1];
    if (rows.length > limit && last !== undefined) page.cursor = encodePageCursor(String(last.seq));
    return page;
  }

  async getPatientIdByIdentifier(identifier: string): Promise<string | undefined> {
    const row = this.sql('SELECT patient_id FROM patient_identifiers WHERE identifier = ?').get(identifier) as { patient_id: string } | undefined;
    return row?.patient_id;
  }

  async listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]> {
    const rows = this.sql('SELECT doc FROM patient_identifiers WHERE patient_id = ? ORDER BY identifier').all(patientId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as PatientIdentifierRecord);
  }

  async putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void> {
    if (records.length === 0) return;
    const insert = this.sql('INSERT OR IGNORE INTO patient_identifiers (identifier, patient_id, doc) VALUES (?, ?, ?)');
    await this.group.atomic(() => {
      for (const r of records) insert.run(r.identifier, r.patientId, JSON.stringify(r));
    });
  }

  async putPatientLink(record: PatientLinkRecord): Promise<void> {
    // The pair is stored ordered so that A-B and B-A are one row.
    const [a, b] = linkPair(record);
    await this.group.write(() =>
      this.sql('INSERT OR IGNORE INTO patient_links (patient_a, patient_b, at, doc) VALUES (?, ?, ?, ?)').run(a, b, record.at, JSON.stringify(record)),
    );
  }

  async listPatientLinks(patientId: string): Promise<PatientLinkRecord[]> {
    const rows = this.db
      .prepare('SELECT doc FROM patient_links WHERE patient_a = ? OR patient_b = ? ORDER BY at, patient_a, patient_b')
      .all(patientId, patientId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as PatientLinkRecord);
  }

  async putPatientMerge(record: PatientMergeRecord): Promise<void> {
    await this.group.write(() =>
      this.sql('INSERT OR IGNORE INTO patient_merges (merged_patient_id, survivor_patient_id, at, doc) VALUES (?, ?, ?, ?)').run(
        record.mergedPatientId,
        record.survivorPatientId,
        record.at,
        JSON.stringify(record),
      ),
    );
  }

  async getPatientMerge(mergedPatientId: string): Promise<PatientMergeRecord | undefined> {
    const row = this.sql('SELECT doc FROM patient_merges WHERE merged_patient_id = ?').get(mergedPatientId) as { doc: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.doc) as PatientMergeRecord);
  }

  async listPatientMerges(patientId: string): Promise<PatientMergeRecord[]> {
    const rows = this.db
      .prepare('SELECT doc FROM patient_merges WHERE merged_patient_id = ? OR survivor_patient_id = ? ORDER BY at, merged_patient_id')
      .all(patientId, patientId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as PatientMergeRecord);
  }

  async putPatientOccurrences(records: PatientOccurrenceRecord[]): Promise<void> {
    if (records.length === 0) return;
    const insert = this.sql('INSERT OR IGNORE INTO patient_occurrences (identifier, source, patient_id, doc) VALUES (?, ?, ?, ?)');
    await this.group.atomic(() => {
      for (const r of records) insert.run(r.identifier, r.source, r.patientId, JSON.stringify(r));
    });
  }

  async getPatientOccurrence(identifier: string, source: string): Promise<PatientOccurrenceRecord | undefined> {
    const row = this.sql('SELECT doc FROM patient_occurrences WHERE identifier = ? AND source = ?').get(identifier, source) as { doc: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.doc) as PatientOccurrenceRecord);
  }

  async listPatientOccurrences(patientId: string): Promise<PatientOccurrenceRecord[]> {
    const rows = this.sql('SELECT doc FROM patient_occurrences WHERE patient_id = ?').all(patientId) as { doc: string }[];
    // Sorted in JS: SQLite's text order and the port's (code unit order) must agree exactly.
    return rows.map((r) => JSON.parse(r.doc) as PatientOccurrenceRecord).sort(occurrenceOrder);
  }

  async putPatientConflict(record: PatientConflictRecord): Promise<void> {
    await this.group.write(() =>
      this.sql('INSERT OR IGNORE INTO patient_conflicts (identifier, source, patient_id, conflicting_patient_id, at, doc) VALUES (?, ?, ?, ?, ?, ?)').run(
        record.identifier,
        record.source,
        record.patientId,
        record.conflictingPatientId,
        record.at,
        JSON.stringify(record),
      ),
    );
  }

  async listPatientConflicts(patientId: string): Promise<PatientConflictRecord[]> {
    const rows = this.sql('SELECT doc FROM patient_conflicts WHERE patient_id = ? OR conflicting_patient_id = ?').all(patientId, patientId) as {
      doc: string;
    }[];
    return rows.map((r) => JSON.parse(r.doc) as PatientConflictRecord).sort(conflictOrder);
  }
}
