import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { newMessageId, ObjectAlreadyExistsError, rawKey, stagingKey } from '@hcdl/lake';
import { FolderObjectStore } from '../../src/adapters/folder-object-store';
import { LakeObjectStore } from '../../src/adapters/lake-object-store';
import { openDatabase } from '../../src/adapters/local-adapters';

const collect = async (it: AsyncIterable<string>): Promise<string[]> => {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out;
};
const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('LakeObjectStore', () => {
  let dir: string;
  let zones: string;
  let db: Database.Database;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-lake-store-'));
    zones = path.join(dir, 'zones');
  });
  afterEach(async () => {
    db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps raw bodies in the SQLite file and staging bodies as plain files, without sidecars', async () => {
    db = openDatabase(path.join(dir, 'catalog.db'));
    const store = new LakeObjectStore(db, zones);
    const id = newMessageId();
    const raw = rawKey('ward-7', id);
    const staged = stagingKey('ward-7', 'ADT_A01', id);
    await store.put({ key: raw, body: 'MSH|^~\\&|A\r', contentType: 'application/hl7-v2', ifNoneMatch: true });
    await store.put({ key: staged, body: '{"MSH":{}}', contentType: 'application/json', tags: { data_src: raw }, metadata: { 'message-id': id } });
    // `hcdl query` reads the staging zone as files: exactly the JSON, nothing beside it.
    const stagingFile = path.join(zones, ...staged.split('/'));
    expect(await readFile(stagingFile, 'utf8')).toBe('{"MSH":{}}');
    expect(await readdir(path.dirname(stagingFile))).toEqual([path.basename(stagingFile)]);
    expect(existsSync(path.join(zones, 'raw'))).toBe(false);
    const row = db.prepare('SELECT length(body) AS n FROM objects WHERE key = ?').get(raw) as { n: number };
    expect(row.n).toBe(11);
    expect(await store.getTags(staged)).toEqual({ data_src: raw });
    expect((await store.head(staged))?.metadata).toEqual({ 'message-id': id });
    expect(text((await store.get(raw))?.body)).toBe('MSH|^~\\&|A\r');
  });

  it('copies a raw object into the error zone inside SQLite', async () => {
    db = openDatabase(path.join(dir, 'catalog.db'));
    const store = new LakeObjectStore(db, zones);
    const raw = rawKey('ward-7', newMessageId());
    const body = Buffer.alloc(3 * 1024 * 1024, 0x5e);
    await store.put({ key: raw, body, contentType: 'application/hl7-v2', metadata: { source: 'ward-7' } });
    await store.copy({ from: raw, to: 'error/source=ward-7/protocol=hl7v2/dt=2026-12-01/x.hl7', tags: { data_src: raw } });
    const copy = await store.get('error/source=ward-7/protocol=hl7v2/dt=2026-12-01/x.hl7');
    expect(Buffer.from(copy?.body ?? new Uint8Array()).equals(body)).toBe(true);
    expect(copy).toMatchObject({ contentType: 'application/hl7-v2', metadata: { source: 'ward-7' } });
  });

  describe('a data folder written by an earlier version (every object a file with a sidecar)', () => {
    const id = newMessageId();
    const raw = rawKey('old', id);
    const staged = stagingKey('old', 'ADT_A01', id);

    beforeEach(async () => {
      const old = new FolderObjectStore(zones);
      await old.put({ key: raw, body: 'old raw', contentType: 'application/hl7-v2', metadata: { 'message-id': id }, ifNoneMatch: true });
      await old.put({ key: staged, body: '{"old":true}', contentType: 'application/json', tags: { data_src: raw } });
      db = openDatabase(path.join(dir, 'catalog.db'));
    });

    it('reads its objects by key, with their attributes', async () => {
      const store = new LakeObjectStore(db, zones);
      expect(text((await store.get(raw))?.body)).toBe('old raw');
      expect((await store.head(raw))?.metadata).toEqual({ 'message-id': id });
      expect(await store.getTags(staged)).toEqual({ data_src: raw });
      expect(text((await store.get(staged))?.body)).toBe('{"old":true}');
    });

    it('lists its objects with the new ones, in key order, each once', async () => {
      const store = new LakeObjectStore(db, zones);
      const newer = rawKey('old', newMessageId());
      await store.put({ key: newer, body: 'new raw', ifNoneMatch: true });
      expect(await collect(store.list('raw/'))).toEqual([raw, newer].sort());
      expect(await collect(store.list('staging/'))).toEqual([staged]);
    });

    it('refuses to create one of its keys again with ifNoneMatch, and deletes them', async () => {
      const store = new LakeObjectStore(db, zones);
      await expect(store.put({ key: raw, body: 'intruder', ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
      await expect(store.copy({ from: staged, to: raw, ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
      expect(text((await store.get(raw))?.body)).toBe('old raw');
      await store.delete(raw);
      expect(await store.head(raw)).toBeUndefined();
      expect(await collect(store.list('raw/'))).toEqual([]);
    });
  });

  describe('a zone whose attributes live in another file (the refined zone, ADR 0018)', () => {
    const key = 'refined/fhir/Patient/p-1/1.json';
    const put = {
      key,
      body: '{"resourceType":"Patient"}',
      contentType: 'application/fhir+json',
      tags: { data_src: 'raw/x' },
      metadata: { 'message-id': 'm-1' },
    };
    let zoneDb: Database.Database;
    afterEach(() => {
      zoneDb?.close();
    });

    const rowsOf = (d: Database.Database): string[] =>
      (d.prepare("SELECT key FROM objects WHERE key LIKE 'refined/%'").all() as { key: string }[]).map((r) => r.key);

    it('writes and reads the rows in that file, none in the main one', async () => {
      db = openDatabase(path.join(dir, 'catalog.db'));
      zoneDb = openDatabase(path.join(dir, 'refined.db'));
      const store = new LakeObjectStore(db, zones, { attributeZones: [{ prefix: 'refined/', db: zoneDb }] });
      await store.put(put);
      expect(rowsOf(zoneDb)).toEqual([key]);
      expect(rowsOf(db)).toEqual([]);
      expect(await store.getTags(key)).toEqual({ data_src: 'raw/x' });
      expect((await store.head(key))?.metadata).toEqual({ 'message-id': 'm-1' });
      expect(text((await store.get(key))?.body)).toBe(put.body);
      expect(await collect(store.list('refined/'))).toEqual([key]);
      await store.delete(key);
      expect(rowsOf(zoneDb)).toEqual([]);
      expect(await store.head(key)).toBeUndefined();
      await store.close();
    });

    it('still reads the rows an earlier version wrote in the main file', async () => {
      db = openDatabase(path.join(dir, 'catalog.db'));
      const before = new LakeObjectStore(db, zones);
      await before.put(put);
      await before.close();
      expect(rowsOf(db)).toEqual([key]);
      zoneDb = openDatabase(path.join(dir, 'refined.db'));
      const store = new LakeObjectStore(db, zones);
      store.addAttributeZone({ prefix: 'refined/', db: zoneDb });
      expect(await store.getTags(key)).toEqual({ data_src: 'raw/x' });
      expect((await store.get(key))?.metadata).toEqual({ 'message-id': 'm-1' });
      await store.delete(key);
      expect(rowsOf(db)).toEqual([]);
      await store.close();
    });
  });
  describe('a zone kept in segment files (the refined zone, ADR 0019)', () => {
    let zoneDb: Database.Database;
    afterEach(() => {
      zoneDb?.close();
    });
    const segmentsDir = (): string => path.join(dir, 'segments', 'refined');
    const open = (): LakeObjectStore => {
      db = openDatabase(path.join(dir, 'catalog.db'));
      zoneDb = openDatabase(path.join(dir, 'refined.db'));
      return new LakeObjectStore(db, zones, { attributeZones: [{ prefix: 'refined/', db: zoneDb, segments: segmentsDir() }] });
    };
    const version = (id: string, v: number) => ({
      key: `refined/fhir/Patient/${id}/${v}.json`,
      body: JSON.stringify({ resourceType: 'Patient', id, meta: { versionId: String(v) } }),
      contentType: 'application/fhir+json',
      tags: { data_src: `raw/${id}` },
      metadata: { 'message-id': `m-${id}` },
    });
    const segmentFiles = async (): Promise<string[]> => (existsSync(segmentsDir()) ? (await readdir(segmentsDir())).sort() : []);

    it('writes the puts of one turn as the lines of one segment file, no file per object', async () => {
      const store = open();
      const puts = Array.from({ length: 40 }, (_, i) => version(`p-${i}`, 1));
      await Promise.all(puts.map((p) => store.put(p)));
      const files = await segmentFiles();
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^[0-9a-z]{9}-[0-9a-z]{6}-[0-9a-z]{6}\.ndjson$/);
      // Exactly the bodies, one a line, in the order they were put: SQL reads the file as JSON lines.
      const lines = (await readFile(path.join(segmentsDir(), files[0] as string), 'utf8')).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toEqual(puts.map((p) => p.body));
      expect(existsSync(path.join(zones, 'refined'))).toBe(false);
      for (const p of puts) {
        const got = await store.get(p.key);
        expect(text(got?.body)).toBe(p.body);
        expect(got?.contentType).toBe('application/fhir+json');
        expect(got?.metadata).toEqual(p.metadata);
        expect((await store.head(p.key))?.size).toBe(Buffer.byteLength(p.body));
        expect(await store.getTags(p.key)).toEqual(p.tags);
      }
      const rows = zoneDb.prepare('SELECT file, segment FROM objects').all() as { file: number; segment: string }[];
      expect(rows).toHaveLength(40);
      expect(new Set(rows.map((r) => `${r.file} ${r.segment}`))).toEqual(new Set([`2 ${files[0]}`]));
      expect(await collect(store.list('refined/fhir/Patient/'))).toEqual(puts.map((p) => p.key).sort());
      await store.close();
    });

    it('puts that come while a segment is written go together into the next one', async () => {
      const store = open();
      const first = store.put(version('a', 1));
      await new Promise((r) => setImmediate(r)); // the first segment has started
      const later = Array.from({ length: 10 }, (_, i) => store.put(version(`b-${i}`, 1)));
      await Promise.all([first, ...later]);
      expect(await segmentFiles()).toHaveLength(2);
      await store.close();
    });

    it('a key put again moves to its new line; the listing and reads see it once', async () => {
      const store = open();
      const v = version('p-1', 1);
      await store.put(v);
      await store.put({ ...v, body: '{"resourceType":"Patient","id":"p-1","changed":true}' });
      expect(await segmentFiles()).toHaveLength(2);
      expect(text((await store.get(v.key))?.body)).toBe('{"resourceType":"Patient","id":"p-1","changed":true}');
      expect(await collect(store.list('refined/'))).toEqual([v.key]);
      await store.delete(v.key);
      expect(await store.get(v.key)).toBeUndefined();
      expect(await collect(store.list('refined/'))).toEqual([]);
      await store.close();
    });

    it('keeps as files what cannot be one line and exclusive puts, and lists both kinds', async () => {
      const store = open();
      const multiLine = { ...version('p-2', 1), body: '{\n  "resourceType": "Patient"\n}' };
      const exclusive = { ...version('p-3', 1), ifNoneMatch: true };
      await store.put(multiLine);
      await store.put(exclusive);
      await store.put(version('p-4', 1));
      expect(await readFile(path.join(zones, ...multiLine.key.split('/')), 'utf8')).toBe(multiLine.body);
      expect(existsSync(path.join(zones, ...exclusive.key.split('/')))).toBe(true);
      await expect(store.put(exclusive)).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
      expect(await collect(store.list('refined/'))).toEqual([multiLine.key, exclusive.key, version('p-4', 1).key]);
      // A file key put again as one line leaves no file behind for SQL to read beside the line.
      await store.put(version('p-2', 1));
      expect(existsSync(path.join(zones, ...multiLine.key.split('/')))).toBe(false);
      expect(text((await store.get(multiLine.key))?.body)).toBe(version('p-2', 1).body);
      await store.close();
    });

    it('commits no row before its segment is on disk: a failed segment write fails its puts and leaves no row', async () => {
      const store = open();
      // The segments folder's place is taken by a file: the segment cannot be written.
      await mkdir(path.join(dir, 'segments'), { recursive: true });
      await writeFile(segmentsDir(), 'not a folder');
      await expect(store.put(version('p-5', 1))).rejects.toThrow();
      expect(zoneDb.prepare('SELECT count(*) AS n FROM objects').get()).toEqual({ n: 0 });
      expect(await store.get(version('p-5', 1).key)).toBeUndefined();
      await store.close();
    });

    it('a row whose segment file is gone reads as missing, not as an error', async () => {
      const store = open();
      const v = version('p-6', 1);
      await store.put(v);
      for (const f of await segmentFiles()) await rm(path.join(segmentsDir(), f));
      expect(await store.get(v.key)).toBeUndefined();
      await store.close();
    });

    it('adds its columns to an objects table an earlier version made', async () => {
      const legacy = openDatabase(path.join(dir, 'old.db'));
      legacy.exec(
        'CREATE TABLE objects (key TEXT PRIMARY KEY, file INTEGER NOT NULL, body BLOB, content_type TEXT, metadata TEXT NOT NULL, tags TEXT NOT NULL, size INTEGER NOT NULL, modified INTEGER NOT NULL)',
      );
      legacy.prepare("INSERT INTO objects VALUES ('refined/fhir/Patient/old/1.json', 1, NULL, 'application/fhir+json', '{}', '{}', 2, 0)").run();
      db = openDatabase(path.join(dir, 'catalog.db'));
      const store = new LakeObjectStore(db, zones, { attributeZones: [{ prefix: 'refined/', db: legacy, segments: segmentsDir() }] });
      await store.put(version('p-7', 1));
      expect(text((await store.get(version('p-7', 1).key))?.body)).toBe(version('p-7', 1).body);
      expect((legacy.prepare("SELECT file FROM objects WHERE key = 'refined/fhir/Patient/old/1.json'").get() as { file: number }).file).toBe(1);
      await store.close();
      legacy.close();
    });
  });
});
