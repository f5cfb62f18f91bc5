import { link, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ObjectAlreadyExistsError, ValidationError, type ListOptions, type ObjectInfo, type ObjectStore, type PutObjectInput, type StoredObject } from '@hcdl/lake';

/** Sidecar with the object's content type, metadata and tags, beside the object. */
const SIDECAR = '.meta.json';

interface Sidecar {
  contentType?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

/**
 * ObjectStore on a folder. A put is durable when it resolves: the body and its sidecar are
 * written to temp files, fsynced, renamed into place and the directory fsynced. Keys are
 * relative paths of `/`-separated segments; `..`, absolute paths and empty segments are refused.
 */
export class FolderObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    const parts = key.split('/');
    if (key === '' || key.startsWith('/') || key.includes('\\') || key.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..') || key.endsWith(SIDECAR)) {
      throw new ValidationError('invalid object key');
    }
    return path.join(this.root, ...parts);
  }

  async put(input: PutObjectInput): Promise<void> {
    const file = this.pathOf(input.key);
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
    const sidecar: Sidecar = { metadata: input.metadata ?? {}, tags: input.tags ?? {} };
    if (input.contentType !== undefined) sidecar.contentType = input.contentType;
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeDurably(`${tmp}${SIDECAR}`, Buffer.from(JSON.stringify(sidecar)));
    await writeDurably(tmp, body);
    if (input.ifNoneMatch) {
      // Exclusive create: link() fails atomically when the name exists and never overwrites.
      try {
        await link(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        await rm(`${tmp}${SIDECAR}`, { force: true });
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectAlreadyExistsError(input.key, { cause: err });
        throw err;
      }
      await rm(tmp, { force: true });
      await rename(`${tmp}${SIDECAR}`, `${file}${SIDECAR}`);
    } else {
      await rename(`${tmp}${SIDECAR}`, `${file}${SIDECAR}`);
      await rename(tmp, file);
    }
    await fsyncDir(dir);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const info = await this.head(key);
    if (info === undefined) return undefined;
    const body = await readFile(this.pathOf(key));
    return { ...info, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), size: body.byteLength };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key);
    let st;
    try {
      st = await stat(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
    // A folder is only a prefix of other keys, not an object (as in S3).
    if (!st.isFile()) return undefined;
    let side: Sidecar = { metadata: {}, tags: {} };
    try {
      side = JSON.parse(await readFile(`${file}${SIDECAR}`, 'utf8')) as Sidecar;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const info: ObjectInfo = { key, size: st.size, metadata: side.metadata, tags: side.tags, lastModified: st.mtime };
    if (side.contentType !== undefined) info.contentType = side.contentType;
    return info;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const keys: string[] = [];
    await this.walk(this.root, '', prefix, keys);
    keys.sort();
    let n = 0;
    for (const k of keys) {
      if (options.startAfter !== undefined && k <= options.startAfter) continue;
      if (options.limit !== undefined && n >= options.limit) return;
      n++;
      yield k;
    }
  }

  private async walk(dir: string, rel: string, prefix: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const key = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        // Descend only where the prefix can still match.
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix) || `${key}/`.startsWith(prefix)) await this.walk(path.join(dir, e.name), key, prefix, out);
      } else if (!e.name.endsWith(SIDECAR) && !e.name.endsWith('.tmp') && key.startsWith(prefix)) {
        out.push(key);
      }
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await rm(file, { force: true });
    await rm(`${file}${SIDECAR}`, { force: true });
  }
}

async function writeDurably(file: string, data: Uint8Array): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
