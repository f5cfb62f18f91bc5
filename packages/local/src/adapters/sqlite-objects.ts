import type Database from 'better-sqlite3';
import { ObjectAlreadyExistsError, type CheckedPut } from '@hcdl/lake';
import { type GroupCommit, groupCommitOf } from './group-commit';

/** Where the body of an object kept in a segment file is (./segment-files.ts). */
export interface SegmentPlace {
  /** The segment file's name, in its zone's segments folder. */
  segment: string;
  /** The body's first byte in the file (the body is `size` bytes long). */
  offset: number;
}

/** One row of the objects table: the object's attributes, and its body unless the body is a file. */
export interface ObjectRow {
  key: string;
  /** Whether the body is kept in the table (not a file of the zones folder, not in a segment). */
  inTable: boolean;
  /**
   * The bytes, for objects kept in the table when the row was read with its body (get); null
   * for objects whose body is a file of the zones folder or in a segment, and for every row
   * read by `attributes`.
   */
  body: Buffer | null;
  /** Set for an object whose body is a line of a segment file. */
  segment?: SegmentPlace;
  contentType: string | undefined;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  size: number;
  modified: number;
}

interface Stored {
  key: string;
  body: Buffer | null;
  /** 0: body in the table; 1: a file of the zones folder; 2: a line of a segment file. */
  file: number;
  segment: string | null;
  seg_offset: number | null;
  content_type: string | null;
  metadata: string;
  tags: string;
  size: number;
  modified: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  key TEXT PRIMARY KEY,
  file INTEGER NOT NULL,
  body BLOB,
  content_type TEXT,
  metadata TEXT NOT NULL,
  tags TEXT NOT NULL,
  size INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  segment TEXT,
  seg_offset INTEGER
);
`;

/** Columns a table made by an earlier version lacks, added at open. */
const ADDED = [
  ['segment', 'TEXT'],
  ['seg_offset', 'INTEGER'],
] as const;

const COLUMNS = 'key, file, body, content_type, metadata, tags, size, modified, segment, seg_offset';

const IN_TABLE = 0;
const IN_FILE = 1;
const IN_SEGMENT = 2;

/** Every column but the body (attributes: a 10 MB raw message's row without its 10 MB). */
const ATTRIBUTE_COLUMNS = COLUMNS.replace('body,', 'NULL AS body,');

const toRow = (s: Stored, withBody: boolean): ObjectRow => {
  const row: ObjectRow = {
    key: s.key,
    inTable: s.file === IN_TABLE,
    body: withBody && s.file === IN_TABLE ? (s.body ?? Buffer.alloc(0)) : null,
    contentType: s.content_type ?? undefined,
    metadata: JSON.parse(s.metadata) as Record<string, string>,
    tags: JSON.parse(s.tags) as Record<string, string>,
    size: s.size,
    modified: s.modified,
  };
  if (s.file === IN_SEGMENT && s.segment !== null) row.segment = { segment: s.segment, offset: s.seg_offset ?? 0 };
  return row;
};

/** Keys listed per query: listing never holds a statement open across an await. */
const PAGE = 256;

/**
 * The objects table of the lake's SQLite file: the bodies of small, write-once objects (raw
 * messages, batch files, the error zone, hand-offs) and the attributes (content type,
 * metadata, tags) of every object the lake writes, including those whose body is a file.
 * Writes go through the connection's group commit, so an object is durable in the same
 * commit, and the same sync, as the catalog row and the dedup record written beside it.
 * Keys are compared as UTF-8 bytes (SQLite's BINARY collation), the order S3 lists in.
 */
export class SqliteObjects {
  private readonly group: GroupCommit;
  private readonly select: Database.Statement;
  private readonly selectAttributes: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly copyRow: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly page: Database.Statement;

  constructor(db: Database.Database) {
    if (!db.readonly) {
      db.exec(SCHEMA);
      const has = new Set((db.pragma('table_info(objects)') as { name: string }[]).map((c) => c.name));
      for (const [name, type] of ADDED) if (!has.has(name)) db.exec(`ALTER TABLE objects ADD COLUMN ${name} ${type}`);
    }
    this.group = groupCommitOf(db);
    this.select = db.prepare(`SELECT ${COLUMNS} FROM objects WHERE key = ?`);
    this.selectAttributes = db.prepare(`SELECT ${ATTRIBUTE_COLUMNS} FROM objects WHERE key = ?`);
    const values = '(@key, @file, @body, @contentType, @metadata, @tags, @size, @modified, @segment, @segOffset)';
    this.insert = db.prepare(`INSERT INTO objects (${COLUMNS}) VALUES ${values}`);
    this.upsert = db.prepare(
      `INSERT INTO objects (${COLUMNS}) VALUES ${values} ON CONFLICT(key) DO UPDATE SET file = excluded.file, body = excluded.body,
       content_type = excluded.content_type, metadata = excluded.metadata, tags = excluded.tags, size = excluded.size, modified = excluded.modified,
       segment = excluded.segment, seg_offset = excluded.seg_offset`,
    );
    // The body is copied inside SQLite: a 10 MB raw message is never read into the process to be copied.
    this.copyRow = db.prepare(
      `INSERT INTO objects (${COLUMNS}) SELECT @to, file, body, COALESCE(@contentType, content_type), metadata, @tags, size, @modified, NULL, NULL FROM objects WHERE key = @from AND file = 0
       ON CONFLICT(key) DO UPDATE SET file = excluded.file, body = excluded.body, content_type = excluded.content_type, metadata = excluded.metadata,
       tags = excluded.tags, size = excluded.size, modified = excluded.modified, segment = NULL, seg_offset = NULL WHERE @overwrite = 1`,
    );
    this.remove = db.prepare('DELETE FROM objects WHERE key = ?');
    this.page = db.prepare(`SELECT key FROM objects WHERE key >= @from AND key > @after AND file <> ${IN_FILE} ORDER BY key LIMIT @limit`);
  }

  /** A row with its body (when the body is in the table). */
  get(key: string): ObjectRow | undefined {
    const s = this.select.get(key) as Stored | undefined;
    return s === undefined ? undefined : toRow(s, true);
  }

  /** A row without its body (`body` null): what a head, a tag read or an existence check needs. */
  attributes(key: string): ObjectRow | undefined {
    const s = this.selectAttributes.get(key) as Stored | undefined;
    return s === undefined ? undefined : toRow(s, false);
  }

  /** Stores an object (its body, or only its attributes when `inFile`); durable when it resolves. */
  put(input: CheckedPut, inFile: boolean): Promise<void> {
    const params = this.params(input, inFile ? IN_FILE : IN_TABLE);
    return this.group.write(() => {
      if (!input.ifNoneMatch || inFile) {
        // A body file was already placed exclusively (link): its row follows it.
        this.upsert.run(params);
        return;
      }
      try {
        this.insert.run(params);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new ObjectAlreadyExistsError(input.key, { cause: err });
        throw err;
      }
    });
  }

  /**
   * Stores the attributes of objects whose bodies were written to a segment file (durable
   * there before this is called), in one commit; a key that exists is overwritten.
   */
  putSegment(entries: readonly { input: CheckedPut; place: SegmentPlace }[]): Promise<void> {
    const rows = entries.map((e) => ({ ...this.params(e.input, IN_SEGMENT), segment: e.place.segment, segOffset: e.place.offset }));
    return this.group.write(() => {
      for (const row of rows) this.upsert.run(row);
    });
  }

  private params(input: CheckedPut, file: number) {
    return {
      key: input.key,
      file,
      body: file === IN_TABLE ? input.body : null,
      contentType: input.contentType ?? null,
      metadata: JSON.stringify(input.metadata),
      tags: JSON.stringify(input.tags),
      size: input.body.byteLength,
      modified: Date.now(),
      segment: null as string | null,
      segOffset: null as number | null,
    };
  }

  /**
   * Copies a table object to another key inside SQLite. Resolves false when `from` is not a
   * table object (the caller copies through the bytes); throws ObjectAlreadyExistsError when
   * `to` exists and `overwrite` is false.
   */
  copy(from: string, to: string, tags: Record<string, string>, contentType: string | undefined, overwrite: boolean): Promise<boolean> {
    return this.group.write(() => {
      const source = this.selectAttributes.get(from) as Stored | undefined;
      if (source === undefined || source.file !== IN_TABLE) return false;
      const r = this.copyRow.run({
        from,
        to,
        tags: JSON.stringify(tags),
        contentType: contentType ?? null,
        modified: Date.now(),
        overwrite: overwrite ? 1 : 0,
      });
      if (r.changes === 0) throw new ObjectAlreadyExistsError(to);
      return true;
    });
  }

  delete(key: string): Promise<void> {
    return this.group.write(() => void this.remove.run(key));
  }

  /** Keys of table and segment objects (bodies not files of the zones folder) under `prefix`, strictly after `startAfter`, in byte order. */
  async *keys(prefix: string, startAfter: string | undefined): AsyncGenerator<string> {
    let after = startAfter ?? '';
    for (;;) {
      const rows = this.page.all({ from: prefix, after, limit: PAGE }) as { key: string }[];
      for (const { key } of rows) {
        if (!key.startsWith(prefix)) return;
        yield key;
      }
      const last = rows[rows.length - 1];
      if (rows.length < PAGE || last === undefined) return;
      after = last.key;
    }
  }
}
