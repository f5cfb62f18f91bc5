import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  BaseObjectStore,
  type CheckedPut,
  type CopyObjectInput,
  NotFoundError,
  ObjectAlreadyExistsError,
  type ObjectInfo,
  type StoredObject,
} from '@hcdl/lake';
import { SIDECAR_SUFFIX as SIDECAR, TEMP_SUFFIX } from './folder-keys';
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

const missing = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/**
 * ObjectStore on a folder. A put is durable when it resolves: the body and its sidecar are
 * written to temp files, fsynced, renamed into place and the directory fsynced. Keys are
 * relative paths of `/`-separated segments, checked by the port (BaseObjectStore) with the
 * same rules as S3's adapter; sidecar and temp names end in suffixes no key may end with.
 */
export class FolderObjectStore extends BaseObjectStore {
  private readonly readdir: ReadDir;

  constructor(
    private readonly root: string,
    options: FolderObjectStoreOptions = {},
  ) {
    super();
    this.readdir = options.readdir ?? ((dir) => readdir(dir, { withFileTypes: true }));
  }

  /** The file of a key the port has checked. */
  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  protected async _put(input: CheckedPut): Promise<void> {
    const sidecar: Sidecar = { metadata: input.metadata, tags: input.tags };
    if (input.contentType !== undefined) sidecar.contentType = input.contentType;
    await this.place(input.key, sidecar, input.ifNoneMatch, (tmp) => writeDurably(tmp, input.body));
  }

  protected async _copy(input: CopyObjectInput): Promise<void> {
    const from = await this.sidecarOf(input.from);
    if (from === undefined) throw new NotFoundError(`object to copy not found: ${input.from}`);
    const sidecar: Sidecar = { metadata: from.metadata, tags: input.tags ?? {} };
    const contentType = input.contentType ?? from.contentType;
    if (contentType !== undefined) sidecar.contentType = contentType;
    await this.place(input.to, sidecar, input.ifNoneMatch === true, async (tmp) => {
      await copyFile(this.pathOf(input.from), tmp);
      await syncFile(tmp);
    });
  }

  /**
   * Writes an object's body (by `write`, into a temp file it must fsync) and its sidecar, then
   * moves both into place: with `exclusive`, link() creates the name atomically or fails
   * when it exists (never overwriting); then the folder is fsynced.
   */
  private async place(key: string, sidecar: Sidecar, exclusive: boolean, write: (tmp: string) => Promise<void>): Promise<void> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    // Temp names end in a suffix no key may end with, so list never shows them nor hides a key.
    const base = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    const tmp = `${base}${TEMP_SUFFIX}`;
    const tmpSidecar = `${base}.side${TEMP_SUFFIX}`;
    try {
      await writeDurably(tmpSidecar, Buffer.from(JSON.stringify(sidecar)));
      await write(tmp);
      if (exclusive) {
        try {
          await link(tmp, file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectAlreadyExistsError(key, { cause: err });
          throw err;
        }
        await rm(tmp, { force: true });
        await rename(tmpSidecar, `${file}${SIDECAR}`);
      } else {
        await rename(tmpSidecar, `${file}${SIDECAR}`);
        await rename(tmp, file);
      }
    } finally {
      // Gone already after a successful move; removed here after any failure (disk full, EEXIST).
      await rm(tmp, { force: true });
      await rm(tmpSidecar, { force: true });
    }
    await fsyncDir(dir);
  }

  protected async _get(key: string): Promise<StoredObject | undefined> {
    const info = await this._head(key);
    if (info === undefined) return undefined;
    let body: Buffer;
    try {
      body = await readFile(this.pathOf(key));
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    return { ...info, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), size: body.byteLength };
  }

  protected async _head(key: string): Promise<ObjectInfo | undefined> {
    let st;
    try {
      st = await stat(this.pathOf(key));
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    // A folder is only a prefix of other keys, not an object (as in S3).
    if (!st.isFile()) return undefined;
    const side = (await this.sidecarOf(key)) ?? { metadata: {}, tags: {} };
    const info: ObjectInfo = { key, size: st.size, metadata: side.metadata, lastModified: st.mtime };
    if (side.contentType !== undefined) info.contentType = side.contentType;
    return info;
  }

  protected async _getTags(key: string): Promise<Record<string, string> | undefined> {
    if ((await this._head(key)) === undefined) return undefined;
    return (await this.sidecarOf(key))?.tags ?? {};
  }

  /** The sidecar of a key; an object written without one (by hand) has none; undefined when the object is gone. */
  private async sidecarOf(key: string): Promise<Sidecar | undefined> {
    try {
      return JSON.parse(await readFile(`${this.pathOf(key)}${SIDECAR}`, 'utf8')) as Sidecar;
    } catch (err) {
      if (!missing(err)) throw err;
    }
    try {
      return (await stat(this.pathOf(key))).isFile() ? { metadata: {}, tags: {} } : undefined;
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  }

  protected _list(prefix: string, startAfter: string | undefined): AsyncIterable<string> {
    return listKeys(this.root, prefix, startAfter, this.readdir);
  }

  protected async _delete(key: string): Promise<void> {
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

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
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
