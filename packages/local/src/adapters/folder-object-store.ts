import { link, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  ObjectAlreadyExistsError,
  ValidationError,
  type ListOptions,
  type ObjectInfo,
  type ObjectStore,
  type PutObjectInput,
  type StoredObject,
} from '@hcdl/lake';
import { keySegments, SIDECAR_SUFFIX as SIDECAR, TEMP_SUFFIX } from './folder-keys';
import { listKeys, type ReadDir } from './folder-listing';

export interface FolderObjectStoreOptions {
  /** Folder reads of `list` (default: fs readdir with file types); tests count them. */
  readdir?: ReadDir;
}

interface Sidecar {
  contentType?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

/**
 * ObjectStore on a folder. A put is durable when it resolves: the body and its sidecar are
 * written to temp files, fsynced, renamed into place and the directory fsynced. Keys are
 * relative paths of `/`-separated segments; `..`, absolute paths, empty segments and
 * segments ending in the store's own suffixes (sidecar, temp: see folder-keys.ts) are refused.
 */
export class FolderObjectStore implements ObjectStore {
  private readonly readdir: ReadDir;

  constructor(
    private readonly root: string,
    options: FolderObjectStoreOptions = {},
  ) {
    this.readdir = options.readdir ?? ((dir) => readdir(dir, { withFileTypes: true }));
  }

  private pathOf(key: string): string {
    const parts = keySegments(key);
    if (parts === undefined) throw new ValidationError('invalid object key');
    return path.join(this.root, ...parts);
  }

  async put(input: PutObjectInput): Promise<void> {
    const file = this.pathOf(input.key);
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
    const sidecar: Sidecar = { metadata: input.metadata ?? {}, tags: input.tags ?? {} };
    if (input.contentType !== undefined) sidecar.contentType = input.contentType;
    // Temp names end in a suffix no key may end with, so list never shows them nor hides a key.
    const base = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    const tmp = `${base}${TEMP_SUFFIX}`;
    const tmpSidecar = `${base}.side${TEMP_SUFFIX}`;
    await writeDurably(tmpSidecar, Buffer.from(JSON.stringify(sidecar)));
    await writeDurably(tmp, body);
    if (input.ifNoneMatch) {
      // Exclusive create: link() fails atomically when the name exists and never overwrites.
      try {
        await link(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        await rm(tmpSidecar, { force: true });
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectAlreadyExistsError(input.key, { cause: err });
        throw err;
      }
      await rm(tmp, { force: true });
      await rename(tmpSidecar, `${file}${SIDECAR}`);
    } else {
      await rename(tmpSidecar, `${file}${SIDECAR}`);
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
    if (options.limit !== undefined && options.limit <= 0) return;
    let n = 0;
    for await (const key of listKeys(this.root, prefix, options.startAfter, this.readdir)) {
      yield key;
      if (options.limit !== undefined && ++n >= options.limit) return;
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
