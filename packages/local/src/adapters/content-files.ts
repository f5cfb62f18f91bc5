import { type FileHandle, link, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ObjectAlreadyExistsError } from '@hcdl/lake';
import { TEMP_SUFFIX } from './folder-keys';

/**
 * Syncs a folder at most once per batch: callers that come while a sync runs share the next
 * one (it must start after their rename), callers that come before it starts share it.
 */
class FolderSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  sync(): Promise<void> {
    if (this.running === undefined) return this.start();
    this.next ??= this.running.then(
      () => this.start(),
      () => this.start(),
    );
    return this.next;
  }

  private start(): Promise<void> {
    this.next = undefined;
    const p = syncPath(this.dir).finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }
}

async function syncPath(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Object bodies as plain files of the zones folder (the staging zone, read as files by
 * `hcdl query` and compaction; their attributes live in the objects table). A write is
 * durable when it resolves: the body goes to a temp file that is fdatasynced, is moved into
 * place (link() when it must not overwrite), and the folder is synced, one folder sync
 * shared by every write that lands in that folder meanwhile.
 */
export class ContentFiles {
  private readonly folders = new Map<string, FolderSync>();
  private readonly made = new Set<string>();

  constructor(readonly root: string) {}

  /** The file of a key the port has checked. */
  pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  async write(key: string, body: Uint8Array, exclusive: boolean): Promise<void> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    // Temp names end in a suffix no key may end with: listing never shows them.
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}${TEMP_SUFFIX}`;
    let moved = false;
    try {
      const fh = await this.create(dir, tmp);
      try {
        await fh.writeFile(body);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      if (exclusive) {
        try {
          await link(tmp, file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ObjectAlreadyExistsError(key, { cause: err });
          throw err;
        }
      } else {
        await rename(tmp, file);
        moved = true;
      }
    } finally {
      // After a link, or any failure, the temp name is removed here.
      if (!moved) await rm(tmp, { force: true });
    }
    await this.folderSync(dir).sync();
  }

  /** Opens a new file in `dir`, creating the folder the first time (or again when it was removed). */
  private async create(dir: string, file: string): Promise<FileHandle> {
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    try {
      return await open(file, 'w');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.made.delete(dir);
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
      return open(file, 'w');
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private folderSync(dir: string): FolderSync {
    let s = this.folders.get(dir);
    if (s === undefined) {
      s = new FolderSync(dir);
      this.folders.set(dir, s);
    }
    return s;
  }
}
