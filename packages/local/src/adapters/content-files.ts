import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ObjectAlreadyExistsError } from '@hcdl/lake';
import { TEMP_SUFFIX } from './folder-keys';
import { createFsThreads, type FsThreads, FsThreadError } from './fs-threads';

/** Files written at once (the disk batches the syncs of concurrent writers). */
const WRITER_THREADS = 4;

/**
 * Syncs a folder at most once per batch: callers that come while a sync runs share the next
 * one (it must start after their rename), callers that come before it starts share it.
 */
class FolderSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly threads: FsThreads,
  ) {}

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
    const p = this.threads.syncPath(this.dir).finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }
}

/**
 * Object bodies as plain files of the zones folder (the staging zone, read as files by
 * `hcdl query` and compaction; their attributes live in the objects table). A write is
 * durable when it resolves: the body goes to a temp file that is fdatasynced, is moved into
 * place (link() when it must not overwrite), and the folder is synced, one folder sync
 * shared by every write that lands in that folder meanwhile. The blocking calls run on
 * threads of their own (./fs-threads.ts): the event loop posts one message per file.
 */
export class ContentFiles {
  private readonly folders = new Map<string, FolderSync>();
  private readonly threads = createFsThreads(WRITER_THREADS);

  constructor(readonly root: string) {}

  /** The file of a key the port has checked. */
  pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  async write(key: string, body: Uint8Array, exclusive: boolean): Promise<void> {
    try {
      await this.writeFile(this.pathOf(key), body, exclusive);
    } catch (err) {
      if (err instanceof FsThreadError && err.code === 'EEXIST') throw new ObjectAlreadyExistsError(key, { cause: err });
      throw err;
    }
  }

  /**
   * Writes a file by path, durably as `write` does (a segment file of ./segment-files.ts,
   * outside the zones folder). A name that exists fails with FsThreadError code EEXIST when
   * `exclusive`.
   */
  async writeFile(file: string, body: Uint8Array, exclusive: boolean): Promise<void> {
    await this.threads.place(file, body, exclusive, TEMP_SUFFIX);
    await this.folderSync(path.dirname(file)).sync();
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  close(): Promise<void> {
    return this.threads.close();
  }

  private folderSync(dir: string): FolderSync {
    let s = this.folders.get(dir);
    if (s === undefined) {
      s = new FolderSync(dir, this.threads);
      this.folders.set(dir, s);
    }
    return s;
  }
}
