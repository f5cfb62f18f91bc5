import type Database from 'better-sqlite3';
import {
  type ChangeEntry,
  type ChangeFeed,
  type ChangeQuery,
  checkFollows,
  checkResourceRef,
  decodePageCursor,
  encodePageCursor,
  normalizeSearch,
  type Page,
  pageLimit,
  parseEventId,
  pendingLimit,
  ResourceChange,
  type ResourceQuery,
  type ResourceStore,
  type ResourceVersion,
  type SearchCriterion,
  ValidationError,
  type VersionWrite,
} from '@hcdl/lake';
import { type GroupCommit, groupCommitOf } from './group-commit';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS fhir_versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  published INTEGER NOT NULL DEFAULT 0,
  doc TEXT NOT NULL,
  body TEXT,
  UNIQUE (resource_type, id, version_id)
);
CREATE INDEX IF NOT EXISTS fhir_versions_pending ON fhir_versions (seq) WHERE published = 0;
CREATE TABLE IF NOT EXISTS fhir_current (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  version_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  PRIMARY KEY (resource_type, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fhir_tokens (
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (name, value, resource_type, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fhir_tokens_resource ON fhir_tokens (resource_type, id);
CREATE TABLE IF NOT EXISTS fhir_ranges (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  low INTEGER NOT NULL,
  high INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fhir_ranges_resource ON fhir_ranges (resource_type, id, name);
CREATE TABLE IF NOT EXISTS fhir_sources (
  resource_type TEXT NOT NULL,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (resource_type, id, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS refined_messages (
  message_id TEXT PRIMARY KEY,
  at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS refined_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Prepared statements kept (the fixed ones and the commonest search shapes). */
const MAX_STATEMENTS = 200;

interface VersionRow {
  seq: number;
  doc: string;
  body: string | null;
}

const versionOf = (row: VersionRow): ResourceVersion => {
  const v = JSON.parse(row.doc) as ResourceVersion;
  if (row.body !== null) v.body = row.body;
  return v;
};

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** The SQL condition of a range comparison over `r.low`/`r.high` (resource-store-policy rangeMatches, in SQL). */
function rangeSql(c: Extract<SearchCriterion, { kind: 'range' }>): { sql: string; params: number[] } {
  switch (c.op) {
    case 'eq':
      return { sql: 'r.low >= ? AND r.high <= ?', params: [c.low, c.high] };
    case 'gt':
      return { sql: 'r.high > ?', params: [c.high] };
    case 'ge':
      return { sql: 'r.high > ?', params: [c.low] };
    case 'lt':
      return { sql: 'r.low < ?', params: [c.low] };
    case 'le':
      return { sql: 'r.low < ?', params: [c.high] };
  }
}

/**
 * ResourceStore and ChangeFeed on SQLite (better-sqlite3, its own file beside the catalog,
 * written through its group commit). A commit is one savepoint: the version (with its body), the
 * current pointer, the search values, the source, and the outbox flag, so a version is never
 * visible without its outbox entry. The feed's positions are the versions' row sequence,
 * which is commit order (SQLite has one writer at a time). Besides the port it keeps the
 * local runtime's marks of refined messages (resumeRefined reads them after a crash).
 */
export class SqliteResourceStore implements ResourceStore, ChangeFeed {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly group: GroupCommit;

  /**
   * `db` is the process's one connection to the store's file (acquireDatabase); every write
   * goes through that connection's group commit (ADR 0009), so the versions of one message,
   * committed concurrently by refine, share one commit and one WAL sync, and each write
   * resolves only once it is durable.
   */
  constructor(
    private readonly db: Database.Database,
    group?: GroupCommit,
  ) {
    db.exec(SCHEMA);
    this.group = group ?? groupCommitOf(db);
  }

  /** A prepared statement, compiled once per SQL text (search builds a few shapes of SQL). */
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (st === undefined) {
      st = this.db.prepare(text);
      // Searches with many values make many shapes: the cache keeps the first ones only.
      if (this.statements.size < MAX_STATEMENTS) this.statements.set(text, st);
    }
    return st;
  }

  /**
   * One write: its statements in a savepoint of the group's open transaction (a write that
   * fails, such as a lost version race, rolls back alone), durable when the promise resolves.
   */
  private write(work: () => void): Promise<void> {
    return this.group.atomic(work);
  }

  /** Resolves when every write made so far is durable (a read whose answer leaves the process waits for it). */
  settled(): Promise<void> {
    return this.group.settled();
  }

  private row(resourceType: string, id: string, versionId?: number): VersionRow | undefined {
    checkResourceRef(resourceType, id);
    if (versionId === undefined) {
      return this.sql('SELECT v.seq, v.doc, v.body FROM fhir_current c JOIN fhir_versions v ON v.seq = c.seq WHERE c.resource_type = ? AND c.id = ?').get(
        resourceType,
        id,
      ) as VersionRow | undefined;
    }
    return this.sql('SELECT seq, doc, body FROM fhir_versions WHERE resource_type = ? AND id = ? AND version_id = ?').get(resourceType, id, versionId) as
      | VersionRow
      | undefined;
  }

  async current(resourceType: string, id: string): Promise<ResourceVersion | undefined> {
    const row = this.row(resourceType, id);
    return row === undefined ? undefined : versionOf(row);
  }

  async version(resourceType: string, id: string, versionId: number): Promise<ResourceVersion | undefined> {
    const row = this.row(resourceType, id, versionId);
    return row === undefined ? undefined : versionOf(row);
  }

  async history(resourceType: string, id: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<ResourceVersion>> {
    checkResourceRef(resourceType, id);
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(decodePageCursor(page.cursor));
    if (!Number.isSafeInteger(before)) throw new ValidationError('cursor is not a cursor of this listing');
    const limit = pageLimit(page.limit);
    const rows = this.sql(
      'SELECT seq, doc, body FROM fhir_versions WHERE resource_type = ? AND id = ? AND version_id < ? ORDER BY version_id DESC LIMIT ?',
    ).all(resourceType, id, before, limit + 1) as VersionRow[];
    const items = rows.slice(0, limit).map(versionOf);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined ? { items, cursor: encodePageCursor(String(last.versionId)) } : { items };
  }

  async commit(write: VersionWrite): Promise<void> {
    const { version: v } = write;
    const search = v.change === ResourceChange.Delete ? { tokens: {}, ranges: {} } : normalizeSearch(write.search);
    await this.write(() => {
      const current = this.sql('SELECT version_id AS versionId FROM fhir_current WHERE resource_type = ? AND id = ?').get(v.resourceType, v.id) as
        | { versionId: number }
        | undefined;
      checkFollows(write, current);
      const { body, ...doc } = v;
      const { lastInsertRowid } = this.sql('INSERT INTO fhir_versions (resource_type, id, version_id, doc, body) VALUES (?, ?, ?, ?, ?)').run(
        v.resourceType,
        v.id,
        v.versionId,
        JSON.stringify(doc),
        body ?? null,
      );
      this.sql(
        'INSERT INTO fhir_current (resource_type, id, version_id, seq, deleted) VALUES (?, ?, ?, ?, ?) ON CONFLICT (resource_type, id) DO UPDATE SET version_id = excluded.version_id, seq = excluded.seq, deleted = excluded.deleted',
      ).run(v.resourceType, v.id, v.versionId, lastInsertRowid, v.change === ResourceChange.Delete ? 1 : 0);
      // A new resource has no search values yet (most versions are creates).
      if (current !== undefined) {
        this.sql('DELETE FROM fhir_tokens WHERE resource_type = ? AND id = ?').run(v.resourceType, v.id);
        this.sql('DELETE FROM fhir_ranges WHERE resource_type = ? AND id = ?').run(v.resourceType, v.id);
      }
      const token = this.sql('INSERT OR IGNORE INTO fhir_tokens (name, value, resource_type, id) VALUES (?, ?, ?, ?)');
      for (const [name, values] of Object.entries(search.tokens)) for (const value of values) token.run(name, value, v.resourceType, v.id);
      const range = this.sql('INSERT INTO fhir_ranges (resource_type, id, name, low, high) VALUES (?, ?, ?, ?, ?)');
      for (const [name, ranges] of Object.entries(search.ranges)) for (const r of ranges) range.run(v.resourceType, v.id, name, r.low, r.high);
      this.sql('INSERT OR IGNORE INTO fhir_sources (resource_type, id, source) VALUES (?, ?, ?)').run(v.resourceType, v.id, v.source);
    });
  }

  async addSource(resourceType: string, id: string, contribution: { source: string; messageId: string }): Promise<void> {
    checkResourceRef(resourceType, id);
    // One statement: no savepoint needed (a restated resource of every message comes here).
    await this.group.write(
      () => void this.sql('INSERT OR IGNORE INTO fhir_sources (resource_type, id, source) VALUES (?, ?, ?)').run(resourceType, id, contribution.source),
    );
  }

  async sourcesOf(resourceType: string, id: string): Promise<string[]> {
    checkResourceRef(resourceType, id);
    const rows = this.sql('SELECT source FROM fhir_sources WHERE resource_type = ? AND id = ? ORDER BY source').all(resourceType, id) as {
      source: string;
    }[];
    return rows.map((r) => r.source);
  }

  async search(query: ResourceQuery): Promise<Page<ResourceVersion>> {
    const where: string[] = ['c.deleted = 0'];
    const params: unknown[] = [];
    const [driver, ...rest] = [...query.criteria.filter((c) => c.kind === 'token'), ...query.criteria.filter((c) => c.kind === 'range')];
    let from = 'fhir_current c';
    // A token criterion drives the search from its index; the others are checked per resource.
    const checks = driver?.kind === 'token' ? rest : query.criteria;
    if (driver?.kind === 'token') {
      if (driver.anyOf.length === 0) return { items: [] };
      from = 'fhir_tokens d JOIN fhir_current c ON c.resource_type = d.resource_type AND c.id = d.id';
      where.push(`d.name = ? AND d.value IN (${placeholders(driver.anyOf.length)})`);
      params.push(driver.name, ...driver.anyOf);
    }
    if (query.resourceType !== undefined) {
      where.push('c.resource_type = ?');
      params.push(query.resourceType);
    }
    if (query.cursor !== undefined) {
      const after = decodePageCursor(query.cursor);
      const slash = after.indexOf('/');
      if (slash < 1) throw new ValidationError('cursor is not a cursor of this listing');
      where.push('(c.resource_type, c.id) > (?, ?)');
      params.push(after.slice(0, slash), after.slice(slash + 1));
    }
    if (query.sources !== undefined) {
      if (query.sources.length === 0) return { items: [] };
      where.push(
        `EXISTS (SELECT 1 FROM fhir_sources s WHERE s.resource_type = c.resource_type AND s.id = c.id AND s.source IN (${placeholders(query.sources.length)}))`,
      );
      params.push(...query.sources);
    }
    for (const c of checks) {
      if (c.kind === 'token') {
        if (c.anyOf.length === 0) return { items: [] };
        where.push(
          `EXISTS (SELECT 1 FROM fhir_tokens t WHERE t.resource_type = c.resource_type AND t.id = c.id AND t.name = ? AND t.value IN (${placeholders(c.anyOf.length)}))`,
        );
        params.push(c.name, ...c.anyOf);
      } else {
        const r = rangeSql(c);
        where.push(`EXISTS (SELECT 1 FROM fhir_ranges r WHERE r.resource_type = c.resource_type AND r.id = c.id AND r.name = ? AND ${r.sql})`);
        params.push(c.name, ...r.params);
      }
    }
    const limit = pageLimit(query.limit);
    const rows = this.sql(
      `SELECT DISTINCT c.resource_type AS type, c.id AS id, v.seq, v.doc, v.body FROM ${from} JOIN fhir_versions v ON v.seq = c.seq WHERE ${where.join(' AND ')} ORDER BY c.resource_type, c.id LIMIT ?`,
    ).all(...params, limit + 1) as (VersionRow & { type: string; id: string })[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const items = page.map(versionOf);
    return rows.length > limit && last !== undefined ? { items, cursor: encodePageCursor(`${last.type}/${last.id}`) } : { items };
  }

  async pending(limit?: number): Promise<ResourceVersion[]> {
    const rows = this.sql('SELECT seq, doc, body FROM fhir_versions WHERE published = 0 ORDER BY seq LIMIT ?').all(pendingLimit(limit)) as VersionRow[];
    return rows.map(versionOf);
  }

  async markPublished(eventIds: readonly string[]): Promise<void> {
    const mark = this.sql('UPDATE fhir_versions SET published = 1 WHERE resource_type = ? AND id = ? AND version_id = ?');
    await this.write(() => {
      for (const eventId of eventIds) {
        const ref = parseEventId(eventId);
        if (ref !== undefined) mark.run(ref.resourceType, ref.id, ref.versionId);
      }
    });
  }

  async changes(query: ChangeQuery): Promise<{ items: ChangeEntry[]; cursor?: string }> {
    const after = query.after === undefined ? 0 : Number(query.after);
    if (!/^\d{1,15}$/.test(query.after ?? '0') || !Number.isSafeInteger(after)) throw new ValidationError('position is not a position of this feed');
    const where = ['v.seq > ?'];
    const params: unknown[] = [after];
    if (query.types !== undefined) {
      if (query.types.length === 0) return { items: [] };
      where.push(`v.resource_type IN (${placeholders(query.types.length)})`);
      params.push(...query.types);
    }
    if (query.sources !== undefined) {
      if (query.sources.length === 0) return { items: [] };
      where.push(
        `EXISTS (SELECT 1 FROM fhir_sources s WHERE s.resource_type = v.resource_type AND s.id = v.id AND s.source IN (${placeholders(query.sources.length)}))`,
      );
      params.push(...query.sources);
    }
    const limit = pageLimit(query.limit);
    const rows = this.sql(`SELECT v.seq, v.doc, v.body FROM fhir_versions v WHERE ${where.join(' AND ')} ORDER BY v.seq LIMIT ?`).all(
      ...params,
      limit + 1,
    ) as VersionRow[];
    const items = rows.slice(0, limit).map((r) => ({ position: String(r.seq), version: versionOf(r) }));
    const last = items.at(-1);
    return rows.length > limit && last !== undefined ? { items, cursor: last.position } : { items };
  }

  /** The position of the last change committed so far ('0' when none): a stream started "from now" resumes there. */
  lastPosition(): string {
    const row = this.sql('SELECT COALESCE(MAX(seq), 0) AS seq FROM fhir_versions').get() as { seq: number };
    return String(row.seq);
  }

  /** Local runtime: records that a message was refined (resumeRefined skips it after a crash). */
  markRefined(messageId: string, at: string): Promise<void> {
    return this.group.write(() => void this.sql('INSERT OR IGNORE INTO refined_messages (message_id, at) VALUES (?, ?)').run(messageId, at));
  }

  /** Local runtime: which of these messages were refined. */
  refinedAmong(messageIds: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i < messageIds.length; i += 500) {
      const chunk = messageIds.slice(i, i + 500);
      const rows = this.sql(`SELECT message_id FROM refined_messages WHERE message_id IN (${placeholders(chunk.length)})`).all(...chunk) as {
        message_id: string;
      }[];
      for (const r of rows) out.add(r.message_id);
    }
    return out;
  }

  /** Local runtime: reads and clears a state flag (true when it was set). */
  async takeFlag(name: string): Promise<boolean> {
    let taken = false;
    await this.write(() => {
      taken = this.sql('DELETE FROM refined_state WHERE name = ?').run(name).changes > 0;
    });
    return taken;
  }

  /** Local runtime: sets a state flag. */
  setFlag(name: string, at: string): Promise<void> {
    return this.write(
      () => void this.sql('INSERT INTO refined_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, at),
    );
  }
}
