import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  BaseObjectStore,
  type CheckedPut,
  type CopyObjectInput,
  NotFoundError,
  ObjectAlreadyExistsError,
  type ObjectInfo,
  type StoredObject,
} from '@hcdl/lake';
import { ContentFiles } from './content-files';
import { FolderObjectStore } from './folder-object-store';
import { compareKeyBytes, keyBytes } from './folder-keys';
import { fitsSegment, SegmentZone } from './segment-files';
import { type ObjectRow, SqliteObjects } from './sqlite-objects';

/** Zones whose objects live in the objects table (bodies included): nothing reads them as files. */
export const TABLE_PREFIXES = ['raw/', 'error/', 'work/'] as const;

export interface LakeObjectStoreOptions {
  /** Key prefixes kept in the table (default TABLE_PREFIXES); `['']` keeps every object there. */
  tablePrefixes?: readonly string[];
  /**
   * Zones whose attribute rows live in the objects table of another SQLite file: the refined
   * zone's in `refined.db`, which its own thread writes (ADR 0018), never in the catalog's file.
   * A key of such a zone the zone's table does not hold is looked up in the main table (a
   * folder written before the move), then in the folder.
   */
  attributeZones?: readonly AttributeZone[];
}

/** A zone whose attribute rows live in another SQLite file (LakeObjectStoreOptions.attributeZones). */
export interface AttributeZone {
  prefix: string;
  db: Database.Database;
  /**
   * The folder of the zone's segment files (segmentsDirOf): its objects' bodies are lines of
   * shared segment files (./segment-files.ts, ADR 0019) instead of a file each; a body that
   * cannot be one line, or an exclusive put, is still a file.
   */
  segments?: string;
}

interface Zone {
  prefix: string;
  table: SqliteObjects;
  segments?: SegmentZone;
}

const missing = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** Keys of two byte-ordered listings, merged in byte order, each key once. */
async function* mergeKeys(a: AsyncIterable<string>, b: AsyncIterable<string>): AsyncGenerator<string> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  let x = await ia.next();
  let y = await ib.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && compareKeyBytes(keyBytes(x.value), keyBytes(y.value)) < 0)) {
      yield x.value as string;
      x = await ia.next();
    } else if (x.done || compareKeyBytes(keyBytes(x.value), keyBytes(y.value)) > 0) {
      yield y.value;
      y = await ib.next();
    } else {
      yield x.value;
      x = await ia.next();
      y = await ib.next();
    }
  }
}

/**
 * The local lake's object store (ADR 0009): raw messages, batch files, the error zone and
 * hand-offs are rows of the lake's SQLite file, so a message's raw bytes, its catalog row and
 * its dedup record are made durable by one group commit; every other zone (staging above
 * all, which `hcdl query` and compaction read as files) keeps its bodies as files of the
 * zones folder, with their attributes in the same table instead of sidecar files.
 *
 * Folders written by earlier versions (every object a file with a `.meta.json` sidecar) stay
 * readable by key: a key the table does not hold is looked up in the folder, listings merge
 * both, and a put with ifNoneMatch refuses a key the folder holds.
 */
export class LakeObjectStore extends BaseObjectStore {
  private readonly table: SqliteObjects;
  private readonly zones: Zone[] = [];
  private readonly files: ContentFiles;
  private readonly folder: FolderObjectStore;
  private readonly tablePrefixes: readonly string[];
  /** Table zones that also have files of an earlier version (checked once, at open). */
  private readonly legacy: Set<string>;

  constructor(db: Database.Database, root: string, options: LakeObjectStoreOptions = {}) {
    super();
    this.table = new SqliteObjects(db);
    this.files = new ContentFiles(root);
    for (const z of options.attributeZones ?? []) this.addAttributeZone(z);
    this.folder = new FolderObjectStore(root);
    this.tablePrefixes = options.tablePrefixes ?? TABLE_PREFIXES;
    this.legacy = new Set(this.tablePrefixes.filter((p) => p === '' || existsSync(path.join(root, ...p.split('/').filter(Boolean)))));
  }

  /** Keeps the attribute rows of a zone in another SQLite file from now on (LakeObjectStoreOptions.attributeZones). */
  addAttributeZone(zone: AttributeZone): void {
    const table = new SqliteObjects(zone.db);
    const z: Zone = { prefix: zone.prefix, table };
    if (zone.segments !== undefined) z.segments = new SegmentZone(zone.prefix, table, zone.segments, this.files);
    this.zones.push(z);
  }

  private zoneOf(key: string): Zone | undefined {
    for (const z of this.zones) if (key.startsWith(z.prefix)) return z;
    return undefined;
  }

  /** The table that holds a key's row: its zone's, else the main one. */
  private tableOf(key: string): SqliteObjects {
    return this.zoneOf(key)?.table ?? this.table;
  }

  /**
   * A key's row: in its table, else (a zone moved to another file) in the main table where an
   * earlier version wrote it. With the body only when asked (`_get`): a head or an existence
   * check of a raw message does not read its bytes.
   */
  private row(key: string, withBody = false): ObjectRow | undefined {
    const table = this.tableOf(key);
    const read = (t: SqliteObjects): ObjectRow | undefined => (withBody ? t.get(key) : t.attributes(key));
    return read(table) ?? (table === this.table ? undefined : read(this.table));
  }

  private inTable(key: string): boolean {
    return this.tablePrefixes.some((p) => key.startsWith(p));
  }

  /** Whether a key the table does not hold may be a file (of this version, or of an earlier one). */
  private mayBeFile(key: string): boolean {
    return !this.inTable(key) || [...this.legacy].some((p) => key.startsWith(p));
  }

  protected async _put(input: CheckedPut): Promise<void> {
    if (this.inTable(input.key)) {
      if (input.ifNoneMatch && this.mayBeFile(input.key) && (await this.folder.head(input.key)) !== undefined) {
        throw new ObjectAlreadyExistsError(input.key);
      }
      await this.table.put(input, false);
      return;
    }
    const segments = this.zoneOf(input.key)?.segments;
    if (segments !== undefined && fitsSegment(input)) {
      const before = this.row(input.key);
      await segments.put(input);
      // A body file the key had before (written as a file, or by an earlier version) would be read by SQL beside the new line.
      if (before !== undefined && !before.inTable && before.segment === undefined) await this.files.remove(input.key);
      return;
    }
    // An exclusive create of a key whose body is a line (no file for link() to refuse).
    if (segments !== undefined && input.ifNoneMatch && this.row(input.key)?.segment !== undefined) throw new ObjectAlreadyExistsError(input.key);
    await this.files.write(input.key, input.body, input.ifNoneMatch);
    await this.tableOf(input.key).put(input, true);
  }

  protected async _copy(input: CopyObjectInput): Promise<void> {
    const tags = input.tags ?? {};
    const overwrite = input.ifNoneMatch !== true;
    if (this.inTable(input.to)) {
      if (!overwrite && this.mayBeFile(input.to) && (await this.folder.head(input.to)) !== undefined) throw new ObjectAlreadyExistsError(input.to);
      if (await this.table.copy(input.from, input.to, tags, input.contentType, overwrite)) return;
    }
    const from = await this._get(input.from);
    if (from === undefined) throw new NotFoundError(`object to copy not found: ${input.from}`);
    const put: CheckedPut = { key: input.to, body: from.body, metadata: from.metadata, tags, ifNoneMatch: !overwrite };
    const contentType = input.contentType ?? from.contentType;
    if (contentType !== undefined) put.contentType = contentType;
    await this._put(put);
  }

  protected async _get(key: string): Promise<StoredObject | undefined> {
    const row = this.row(key, true);
    if (row === undefined) return this.mayBeFile(key) ? this.folder.get(key) : undefined;
    if (row.body !== null) return { ...this.info(row, new Date(row.modified)), body: row.body, size: row.body.byteLength };
    if (row.segment !== undefined) {
      const segments = this.zoneOf(key)?.segments;
      const body = segments === undefined ? undefined : await segments.read(row.segment, row.size);
      if (body === undefined) return undefined;
      return { ...this.info(row, new Date(row.modified)), body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), size: body.byteLength };
    }
    let body: Buffer;
    try {
      body = await readFile(this.files.pathOf(key));
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    return { ...this.info(row, new Date(row.modified)), body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), size: body.byteLength };
  }

  protected async _head(key: string): Promise<ObjectInfo | undefined> {
    const row = this.row(key);
    if (row === undefined) return this.mayBeFile(key) ? this.folder.head(key) : undefined;
    if (row.inTable || row.segment !== undefined) return this.info(row, new Date(row.modified));
    const st = await this.fileInfo(key);
    return st === undefined ? undefined : { ...this.info(row, st.mtime), size: st.size };
  }

  protected async _getTags(key: string): Promise<Record<string, string> | undefined> {
    const row = this.row(key);
    if (row === undefined) return this.mayBeFile(key) ? this.folder.getTags(key) : undefined;
    if (!row.inTable && row.segment === undefined && (await this.fileInfo(key)) === undefined) return undefined;
    return row.tags;
  }

  protected _list(prefix: string, startAfter: string | undefined): AsyncIterable<string> {
    let keys = this.table.keys(prefix, startAfter);
    // The folder walk finds the files of this version and of earlier ones; the tables, the bodies they hold or place in segments.
    for (const z of this.zones) {
      if (z.segments !== undefined && (z.prefix.startsWith(prefix) || prefix.startsWith(z.prefix))) keys = mergeKeys(keys, z.table.keys(prefix, startAfter));
    }
    return mergeKeys(keys, this.folder.list(prefix, startAfter === undefined ? {} : { startAfter }));
  }

  protected async _delete(key: string): Promise<void> {
    const table = this.tableOf(key);
    await table.delete(key);
    // A row an earlier version left in the main table goes too (never a write there otherwise).
    if (table !== this.table && this.table.attributes(key) !== undefined) await this.table.delete(key);
    if (this.mayBeFile(key)) await this.folder.delete(key);
  }

  /** Stops the threads that write files (they also stop by themselves when idle). */
  close(): Promise<void> {
    return this.files.close();
  }

  private info(row: ObjectRow, lastModified: Date): ObjectInfo {
    const info: ObjectInfo = { key: row.key, size: row.size, metadata: row.metadata, lastModified };
    if (row.contentType !== undefined) info.contentType = row.contentType;
    return info;
  }

  /** The body file of a key, when it is a file (a folder is only a prefix of other keys). */
  private async fileInfo(key: string): Promise<{ size: number; mtime: Date } | undefined> {
    try {
      const st = await stat(this.files.pathOf(key));
      return st.isFile() ? { size: st.size, mtime: st.mtime } : undefined;
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  }
}
