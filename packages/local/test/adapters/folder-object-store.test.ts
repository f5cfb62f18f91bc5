import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '@hcdl/lake';
import { FolderObjectStore } from '../../src/adapters/folder-object-store';

async function collect(items: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of items) out.push(k);
  return out;
}

/** UTF-8 byte order, the order S3 lists keys in. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('FolderObjectStore list', () => {
  let root: string;
  /** Folders the store read, relative to its root ('' is the root itself). */
  let read: string[];
  let store: FolderObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'hcdl-folder-store-'));
    read = [];
    store = new FolderObjectStore(root, {
      readdir: (dir) => {
        read.push(path.relative(root, dir).split(path.sep).join('/'));
        return readdir(dir, { withFileTypes: true });
      },
    });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Many objects under other sources and zones, a few under the source listed. */
  async function fillLake(): Promise<string[]> {
    const wanted: string[] = [];
    for (let s = 0; s < 8; s++) {
      for (let i = 0; i < 6; i++) {
        await store.put({ key: `staging/source=s${s}/type=ADT_A01/m${i}.json`, body: 'x' });
        await store.put({ key: `raw/source=s${s}/m${i}.hl7`, body: 'x' });
      }
    }
    for (let i = 0; i < 3; i++) {
      const key = `staging/source=a/type=ORU_R01/m${i}.json`;
      await store.put({ key, body: 'x' });
      wanted.push(key);
    }
    read = [];
    return wanted;
  }

  it('reads only the folder a prefix names and the folders below it, never unrelated ones', async () => {
    const wanted = await fillLake();
    expect(await collect(store.list('staging/source=a/'))).toEqual(wanted);
    expect(read).toEqual(['staging/source=a', 'staging/source=a/type=ORU_R01']);
  });

  it('starts a prefix that ends inside a name at its parent folder and filters there', async () => {
    const wanted = await fillLake();
    expect(await collect(store.list('staging/source=a'))).toEqual(wanted);
    // Only the parent folder and the one matching child are read, not the eight other sources.
    expect(read).toEqual(['staging', 'staging/source=a', 'staging/source=a/type=ORU_R01']);
  });

  it('reads nothing below a folder that does not exist', async () => {
    await fillLake();
    expect(await collect(store.list('staging/source=none/'))).toEqual([]);
    expect(read).toEqual(['staging/source=none']);
  });

  it('skips folders whose keys all come before startAfter, and stops reading at the limit', async () => {
    await fillLake();
    const page = await collect(store.list('raw/', { startAfter: 'raw/source=s5/m5.hl7', limit: 2 }));
    expect(page).toEqual(['raw/source=s6/m0.hl7', 'raw/source=s6/m1.hl7']);
    // s0-s4 hold only keys before the cursor; s5 holds the cursor; s7 is past the limit.
    expect(read).toEqual(['raw', 'raw/source=s5', 'raw/source=s6']);
  });

  it('lists nothing, and reads nothing outside the root, for a prefix no key can have', async () => {
    await fillLake();
    for (const prefix of ['../', '../../etc/', 'raw/../', 'raw//', './raw/', '/raw/']) {
      expect(await collect(store.list(prefix))).toEqual([]);
    }
    expect(read).toEqual([]);
  });

  it('lists every stored key, including keys ending in ".tmp"', async () => {
    const keys = ['work/a.tmp', 'work/b.hl7', 'work/c.tmp.json', 'work/d/e.tmp'];
    for (const key of keys) await store.put({ key, body: key });
    expect(await collect(store.list('work/'))).toEqual(keys);
  });

  it('hides the temp files of a put that did not finish', async () => {
    await store.put({ key: 'work/done.hl7', body: 'x' });
    // A finished put leaves only the object and its sidecar.
    expect((await readdir(path.join(root, 'work'))).sort()).toEqual(['done.hl7', 'done.hl7.meta.json']);
    // What a put leaves behind when the process dies between its writes and its renames.
    await writeFile(path.join(root, 'work', 'done.hl7.4242.abc.hcdl-tmp'), 'partial');
    await writeFile(path.join(root, 'work', 'done.hl7.4242.abc.side.hcdl-tmp'), '{}');
    expect(await collect(store.list('work/'))).toEqual(['work/done.hl7']);
  });

  it('refuses keys a temp or sidecar file could have, in any segment', async () => {
    for (const key of ['a/b.hcdl-tmp', 'a.hcdl-tmp/b', 'a/b.meta.json', 'a.meta.json/b']) {
      await expect(store.put({ key, body: 'x' })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.head(key)).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('lists in UTF-8 byte order (as S3 does), not UTF-16 code-unit order', async () => {
    // U+FFFD sorts after U+1F600 by code unit (0xFFFD > 0xD83D) but before it by byte (EF < F0).
    const keys = ['k/\u{1F600}', 'k/\uFFFD', 'k/z', 'k/\u00E9'];
    for (const key of keys) await store.put({ key, body: key });
    const expected = [...keys].sort(byBytes);
    expect(expected).not.toEqual([...keys].sort());
    expect(await collect(store.list('k/'))).toEqual(expected);
    expect(await collect(store.list('k/', { startAfter: 'k/\uFFFD' }))).toEqual(['k/\u{1F600}']);
  });
});
