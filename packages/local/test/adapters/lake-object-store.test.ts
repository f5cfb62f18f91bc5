import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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
      store.addAttributeZone('refined/', zoneDb);
      expect(await store.getTags(key)).toEqual({ data_src: 'raw/x' });
      expect((await store.get(key))?.metadata).toEqual({ 'message-id': 'm-1' });
      await store.delete(key);
      expect(rowsOf(db)).toEqual([]);
      await store.close();
    });
  });
});
