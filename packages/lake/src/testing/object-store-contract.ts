import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { NotFoundError, ObjectAlreadyExistsError, ValidationError } from '../errors';
import { newMessageId } from '../ids';
import type { ObjectStore } from '../ports/object-store';
import { errorKey, errorReportKey, parseZoneKey, rawKey, stagingKey, workStagingKey } from '../zones';
import { collect, settleAll, sorted, uniqueTag } from './support';

export interface ObjectStoreHarness {
  store: ObjectStore;
  /** Releases what the factory opened (temp folder, client, bucket). */
  close?: () => Promise<void>;
}

export type ObjectStoreFactory = () => Promise<ObjectStoreHarness>;

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** Every byte value once, then the bytes HL7 framing and latin-1 text bring. */
function awkwardBytes(): Uint8Array {
  const all = Array.from({ length: 256 }, (_, i) => i);
  return Uint8Array.from([0x0b, ...all, 0x00, 0x1c, 0x0d, 0xe9, 0xfc, 0x0d, 0x0a]);
}

/**
 * Contract of the ObjectStore port (ports/object-store.ts), adapter-agnostic. Keys are
 * namespaced per test with a random tag, so one shared bucket is fine.
 */
export function objectStoreContract(name: string, factory: ObjectStoreFactory): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let harness: ObjectStoreHarness;
    let store: ObjectStore;
    let ns: string;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
      ns = `contract/${uniqueTag()}/`;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    describe('put, get and head', () => {
      it('round-trips binary bytes exactly (0x00, MLLP 0x0B/0x1C, latin-1)', async () => {
        const body = awkwardBytes();
        await store.put({ key: `${ns}bin.hl7`, body });
        const got = await store.get(`${ns}bin.hl7`);
        expect(got).toBeDefined();
        expect(got?.body).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(got?.body ?? new Uint8Array()).equals(Buffer.from(body))).toBe(true);
        expect(got?.size).toBe(body.byteLength);
        expect(got?.key).toBe(`${ns}bin.hl7`);
      });

      it('stores a string body as UTF-8', async () => {
        const body = 'MSH|^~\\&|APP|Hôpital Élan|||20240101||ADT^A01|1|P|2.5\rPID|1||123^^^H^MR||Müller^Zoë';
        await store.put({ key: `${ns}str.hl7`, body });
        const got = await store.get(`${ns}str.hl7`);
        expect(text(got?.body ?? new Uint8Array())).toBe(body);
        expect(got?.size).toBe(Buffer.byteLength(body, 'utf8'));
        const info = await store.head(`${ns}str.hl7`);
        expect(info?.size).toBe(Buffer.byteLength(body, 'utf8'));
      });

      it('round-trips an empty body', async () => {
        await store.put({ key: `${ns}empty`, body: new Uint8Array() });
        const got = await store.get(`${ns}empty`);
        expect(got?.size).toBe(0);
        expect(got?.body.byteLength).toBe(0);
      });

      it('keeps contentType, metadata and tags (data_src): head and get report the first two, getTags the tags', async () => {
        const id = newMessageId();
        const src = rawKey(uniqueTag('src'), id);
        const key = `${ns}staged.json`;
        await store.put({
          key,
          body: '{"a":1}',
          contentType: 'application/json',
          metadata: { 'message-id': id, attempt: '2' },
          tags: { data_src: src, zone: 'staging' },
        });
        const info = await store.head(key);
        expect(info).toMatchObject({
          key,
          size: 7,
          contentType: 'application/json',
          metadata: { 'message-id': id, attempt: '2' },
        });
        expect(info && 'tags' in info).toBe(false);
        // Date from another realm (jest's vm) is still a Date: check by tag, not instanceof.
        expect(Object.prototype.toString.call(info?.lastModified)).toBe('[object Date]');
        expect(Math.abs((info?.lastModified.getTime() ?? 0) - Date.now())).toBeLessThan(24 * 3600 * 1000);
        expect(info && 'body' in info).toBe(false);
        const got = await store.get(key);
        expect(got).toMatchObject({ contentType: 'application/json', metadata: { 'message-id': id, attempt: '2' } });
        expect(await store.getTags(key)).toEqual({ data_src: src, zone: 'staging' });
      });

      it('gives empty metadata and tags when none were put', async () => {
        await store.put({ key: `${ns}plain`, body: 'x' });
        const info = await store.head(`${ns}plain`);
        expect(info?.metadata).toEqual({});
        expect(await store.getTags(`${ns}plain`)).toEqual({});
      });

      it('overwrites an existing key (body, metadata and tags) when ifNoneMatch is not set', async () => {
        const key = `${ns}over`;
        await store.put({ key, body: 'first', metadata: { v: '1' }, tags: { t: '1' } });
        await store.put({ key, body: 'second!', metadata: { v: '2' }, tags: { t: '2' } });
        const got = await store.get(key);
        expect(text(got?.body ?? new Uint8Array())).toBe('second!');
        expect(got?.size).toBe(7);
        expect(got?.metadata).toEqual({ v: '2' });
        expect(await store.getTags(key)).toEqual({ t: '2' });
      });

      it('returns undefined from get and head of a missing key', async () => {
        expect(await store.get(`${ns}missing`)).toBeUndefined();
        expect(await store.head(`${ns}missing`)).toBeUndefined();
        expect(await store.getTags(`${ns}missing`)).toBeUndefined();
      });

      it('keeps keys with spaces, "+", "%", "&" and non-ASCII characters exact (no URL decoding)', async () => {
        const keys = [`${ns}with space.hl7`, `${ns}plus+sign.hl7`, `${ns}per%20cent.hl7`, `${ns}amp&eq=1.hl7`, `${ns}Hôpital-Élan/数据.hl7`];
        for (const key of keys) await store.put({ key, body: key });
        for (const key of keys) expect(text((await store.get(key))?.body ?? new Uint8Array())).toBe(key);
        expect(await store.head(`${ns}with+space.hl7`)).toBeUndefined();
        expect(await store.head(`${ns}per cent.hl7`)).toBeUndefined();
        expect(await collect(store.list(ns))).toEqual(sorted(keys));
        expect(await collect(store.list(`${ns}Hôpital-Élan/`))).toEqual([`${ns}Hôpital-Élan/数据.hl7`]);
      });

      it('has no object at a key that is only a prefix of other keys', async () => {
        await store.put({ key: `${ns}folder/inner.hl7`, body: 'x' });
        expect(await store.head(`${ns}folder`)).toBeUndefined();
        expect(await store.get(`${ns}folder`)).toBeUndefined();
        // ...nor below a key that is an object.
        expect(await store.head(`${ns}folder/inner.hl7/deeper`)).toBeUndefined();
        expect(await store.get(`${ns}folder/inner.hl7/deeper`)).toBeUndefined();
      });
    });

    describe('ifNoneMatch', () => {
      it('creates a new key', async () => {
        await store.put({ key: `${ns}once`, body: 'a', ifNoneMatch: true });
        expect(text((await store.get(`${ns}once`))?.body ?? new Uint8Array())).toBe('a');
      });

      it('refuses an existing key with ObjectAlreadyExistsError and leaves the object untouched', async () => {
        const key = `${ns}once`;
        await store.put({ key, body: 'original', tags: { data_src: 'a' } });
        await expect(store.put({ key, body: 'intruder', tags: { data_src: 'b' }, ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
        const got = await store.get(key);
        expect(text(got?.body ?? new Uint8Array())).toBe('original');
        expect(await store.getTags(key)).toEqual({ data_src: 'a' });
      });

      it('lets exactly one of concurrent ifNoneMatch puts of one key win', async () => {
        const key = `${ns}race`;
        const bodies = Array.from({ length: 8 }, (_, i) => `writer-${i}`);
        const { fulfilled, rejected } = await settleAll(bodies.map(async (body) => (await store.put({ key, body, ifNoneMatch: true }), body)));
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(bodies.length - 1);
        for (const err of rejected) expect(err).toBeInstanceOf(ObjectAlreadyExistsError);
        expect(text((await store.get(key))?.body ?? new Uint8Array())).toBe(fulfilled[0]);
        expect(await collect(store.list(key))).toEqual([key]);
      });
    });

    describe('list', () => {
      // Keys chosen so lexicographic order differs from folder walk order ('-' < '/' < '0').
      const names = ['b=2/c.json', 'a0', 'a/x', 'b=10/c.json', 'a-1', 'a/y/z.hl7', 'b=1/c.json', 'A'];

      async function putAll(): Promise<string[]> {
        for (const n of names) await store.put({ key: `${ns}${n}`, body: n });
        return sorted(names.map((n) => `${ns}${n}`));
      }

      it('lists keys under a prefix in lexicographic order', async () => {
        const keys = await putAll();
        expect(await collect(store.list(ns))).toEqual(keys);
      });

      it('lists in UTF-8 byte order, as S3 does (not UTF-16 order)', async () => {
        // UTF-16 puts U+1F600 (a surrogate pair, 0xD83D...) before U+FF21; UTF-8 puts it after (F0 > EF).
        const keys = [`${ns}z`, `${ns}\u00e9`, `${ns}\uff21`, `${ns}\u{1F600}`];
        for (const key of [...keys].reverse()) await store.put({ key, body: 'x' });
        expect(await collect(store.list(ns))).toEqual(keys);
      });

      it('matches prefixes that end inside a key segment', async () => {
        await putAll();
        expect(await collect(store.list(`${ns}b=1`))).toEqual([`${ns}b=1/c.json`, `${ns}b=10/c.json`]);
        expect(await collect(store.list(`${ns}a/`))).toEqual([`${ns}a/x`, `${ns}a/y/z.hl7`]);
        expect(await collect(store.list(`${ns}a`))).toEqual([`${ns}a-1`, `${ns}a/x`, `${ns}a/y/z.hl7`, `${ns}a0`]);
      });

      it('pages with startAfter and limit without gaps or duplicates', async () => {
        const keys = await putAll();
        const seen: string[] = [];
        let after: string | undefined;
        for (let round = 0; round < 20; round++) {
          const options = after === undefined ? { limit: 3 } : { limit: 3, startAfter: after };
          const page = await collect(store.list(ns, options));
          expect(page.length).toBeLessThanOrEqual(3);
          if (page.length === 0) break;
          seen.push(...page);
          after = page[page.length - 1];
        }
        expect(seen).toEqual(keys);
      });

      it('starts strictly after a startAfter that is not itself a key', async () => {
        await putAll();
        expect(await collect(store.list(ns, { startAfter: `${ns}a/xx` }))).toEqual(
          sorted([`${ns}a/y/z.hl7`, `${ns}a0`, `${ns}b=1/c.json`, `${ns}b=10/c.json`, `${ns}b=2/c.json`]),
        );
        expect(await collect(store.list(ns, { startAfter: `${ns}b=2/c.json` }))).toEqual([]);
      });

      it('lists nothing under a prefix that holds no object', async () => {
        await putAll();
        expect(await collect(store.list(`${ns}nothing-here/`))).toEqual([]);
        expect(await collect(store.list(`contract/${uniqueTag()}/`))).toEqual([]);
      });

      it('lists every key under the empty prefix', async () => {
        const keys = await putAll();
        const all = await collect(store.list(''));
        for (const k of keys) expect(all).toContain(k);
        expect(all).toEqual(sorted(all));
      });
    });

    describe('delete', () => {
      it('removes the object: get and head give undefined, list omits it', async () => {
        const key = `${ns}gone.hl7`;
        await store.put({ key, body: 'x', tags: { data_src: 'y' } });
        await store.put({ key: `${ns}stays.hl7`, body: 'z' });
        await store.delete(key);
        expect(await store.get(key)).toBeUndefined();
        expect(await store.head(key)).toBeUndefined();
        expect(await collect(store.list(ns))).toEqual([`${ns}stays.hl7`]);
      });

      it('accepts deleting a missing key', async () => {
        await expect(store.delete(`${ns}never-was`)).resolves.toBeUndefined();
      });

      it('lets ifNoneMatch create a deleted key again, without the old tags', async () => {
        const key = `${ns}again`;
        await store.put({ key, body: 'old', tags: { data_src: 'old' } });
        await store.delete(key);
        await store.put({ key, body: 'new', ifNoneMatch: true });
        const got = await store.get(key);
        expect(text(got?.body ?? new Uint8Array())).toBe('new');
        expect(await store.getTags(key)).toEqual({});
      });
    });

    describe('zone keys', () => {
      it('stores and lists Hive-style zone keys (with "=" and nested folders)', async () => {
        const source = uniqueTag('src-');
        const id = newMessageId();
        const keys = [rawKey(source, id), stagingKey(source, 'ADT_A01', id), errorKey(source, id), errorReportKey(source, id), workStagingKey(id, 1)];
        for (const k of keys) await store.put({ key: k, body: k, tags: { data_src: keys[0] as string } });
        expect(await collect(store.list(`raw/source=${source}/`))).toEqual([rawKey(source, id)]);
        expect(await collect(store.list(`error/source=${source}/`))).toEqual([errorReportKey(source, id), errorKey(source, id)]);
        const staged = await collect(store.list(`staging/source=${source}/protocol=hl7v2/format=json/type=ADT_A01/`));
        expect(staged).toEqual([stagingKey(source, 'ADT_A01', id)]);
        expect(parseZoneKey(staged[0] as string).partitions).toMatchObject({ source, type: 'ADT_A01' });
        for (const k of keys) {
          const got = await store.get(k);
          expect(text(got?.body ?? new Uint8Array())).toBe(k);
          expect((await store.getTags(k))?.data_src).toBe(keys[0]);
        }
        for (const k of keys) await store.delete(k);
        expect(await collect(store.list(`raw/source=${source}/`))).toEqual([]);
      });
    });

    describe('copy', () => {
      it("copies body, content type and metadata inside the store, with the tags given (not the source's)", async () => {
        const from = `${ns}raw.hl7`;
        const to = `${ns}error.hl7`;
        const body = awkwardBytes();
        await store.put({ key: from, body, contentType: 'application/hl7-v2', metadata: { source: 'a' }, tags: { zone: 'raw' } });
        await store.copy({ from, to, tags: { data_src: from } });
        const got = await store.get(to);
        expect(Buffer.from(got?.body ?? new Uint8Array()).equals(Buffer.from(body))).toBe(true);
        expect(got).toMatchObject({ contentType: 'application/hl7-v2', metadata: { source: 'a' } });
        expect(await store.getTags(to)).toEqual({ data_src: from });
        expect(await store.getTags(from)).toEqual({ zone: 'raw' });
      });

      it('refuses to copy a missing object with NotFoundError, creating nothing', async () => {
        await expect(store.copy({ from: `${ns}none`, to: `${ns}copy` })).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.head(`${ns}copy`)).toBeUndefined();
      });

      it('with ifNoneMatch, refuses to overwrite an existing target', async () => {
        await store.put({ key: `${ns}a`, body: 'a' });
        await store.put({ key: `${ns}b`, body: 'b' });
        await expect(store.copy({ from: `${ns}a`, to: `${ns}b`, ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
        expect(text((await store.get(`${ns}b`))?.body ?? new Uint8Array())).toBe('b');
      });
    });

    describe("one set of rules for every adapter (the port's)", () => {
      const invalid = [
        '',
        '/abs/key',
        '../escape',
        'a/../../b',
        'raw/..',
        'a//b',
        'a\\b',
        'tab\there',
        `x/${'k'.repeat(1100)}`,
        'x/y.meta.json',
        'x/y.hcdl-tmp/z',
      ];

      it.each(invalid)('refuses the key %j in put with ValidationError', async (key) => {
        await expect(store.put({ key, body: 'x' })).rejects.toBeInstanceOf(ValidationError);
      });

      it.each(invalid)('refuses the key %j in get, head, getTags, copy and delete with ValidationError', async (key) => {
        await expect(store.get(key)).rejects.toBeInstanceOf(ValidationError);
        await expect(store.head(key)).rejects.toBeInstanceOf(ValidationError);
        await expect(store.getTags(key)).rejects.toBeInstanceOf(ValidationError);
        await expect(store.copy({ from: key, to: `${ns}c` })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(ValidationError);
      });

      it('takes 10 tags and refuses 11, and tags S3 would refuse', async () => {
        const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, `v${i}`]));
        await store.put({ key: `${ns}ten`, body: 'x', tags: ten });
        expect(await store.getTags(`${ns}ten`)).toEqual(ten);
        await expect(store.put({ key: `${ns}eleven`, body: 'x', tags: { ...ten, t10: 'v' } })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.put({ key: `${ns}bad`, body: 'x', tags: { 'a#b': 'x' } })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.put({ key: `${ns}long`, body: 'x', tags: { t: 'v'.repeat(257) } })).rejects.toBeInstanceOf(ValidationError);
        expect(await store.head(`${ns}eleven`)).toBeUndefined();
      });

      it('refuses metadata names S3 would lower-case, and metadata over 2 KB', async () => {
        await expect(store.put({ key: `${ns}m`, body: 'x', metadata: { messageId: '1' } })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.put({ key: `${ns}m`, body: 'x', metadata: { big: 'v'.repeat(2100) } })).rejects.toBeInstanceOf(ValidationError);
        expect(await store.head(`${ns}m`)).toBeUndefined();
      });
    });
  });
}
