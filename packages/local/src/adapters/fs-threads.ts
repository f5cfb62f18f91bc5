import { Worker } from 'node:worker_threads';

/**
 * The file-system work whose waits must not queue behind others: the WAL sync every request of
 * a batch waits for, and the durable writes of zone files. Each runs on threads of its own,
 * with plain blocking calls, instead of the libuv pool that Node shares between file I/O,
 * token signature checks and the module loading of starting workers; the event loop only
 * posts one message per operation and gets one back.
 */
const WORKER = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');

function place(file, body, exclusive, tempSuffix) {
  const tmp = file + '.' + process.pid + '.' + Math.random().toString(36).slice(2) + tempSuffix;
  let fd;
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fd = fs.openSync(tmp, 'w');
  }
  let moved = false;
  try {
    try {
      fs.writeFileSync(fd, body);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (exclusive) fs.linkSync(tmp, file);
    else {
      fs.renameSync(tmp, file);
      moved = true;
    }
  } finally {
    if (!moved) {
      try { fs.unlinkSync(tmp); } catch {}
    }
  }
}

function syncPath(p) {
  const fd = fs.openSync(p, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}

parentPort.on('message', (m) => {
  try {
    if (m.op === 'datasync') fs.fdatasyncSync(m.fd);
    else if (m.op === 'place') place(m.file, m.body, m.exclusive, m.tempSuffix);
    else if (m.op === 'sync-path') syncPath(m.path);
    parentPort.postMessage({ id: m.id });
  } catch (err) {
    parentPort.postMessage({ id: m.id, code: String(err && err.code ? err.code : 'EIO') });
  }
});
`;

/** An error of a file-system operation run on a thread, with its code (EEXIST, ENOSPC, EIO...). */
export class FsThreadError extends Error {
  constructor(
    readonly op: string,
    readonly code: string,
  ) {
    super(`${op} failed: ${code}`);
    this.name = 'FsThreadError';
  }
}

type Op =
  | { op: 'datasync'; fd: number }
  | { op: 'place'; file: string; body: Uint8Array; exclusive: boolean; tempSuffix: string }
  | { op: 'sync-path'; path: string };

export interface FsThreads {
  /** fdatasync of a descriptor (descriptors belong to the process: any thread can sync them). */
  datasync(fd: number): Promise<void>;
  /**
   * Writes `body` durably at `file`: into a temp file (named with `tempSuffix`, its folder
   * created when missing) that is fdatasynced, then linked into place when `exclusive`
   * (failing with code EEXIST when the name exists), else renamed over it.
   */
  place(file: string, body: Uint8Array, exclusive: boolean, tempSuffix: string): Promise<void>;
  /** fsync of a file or folder by path (a folder after names were added to it). */
  syncPath(path: string): Promise<void>;
  close(): Promise<void>;
}

/** A thread with nothing to do for this long is stopped (and started again when needed). */
const IDLE_MS = 2_000;

interface Thread {
  worker: Worker;
  pending: number;
  idle?: NodeJS.Timeout;
}

/** `size` threads for blocking file-system calls; each operation goes to the least busy one. */
export function createFsThreads(size: number): FsThreads {
  const threads: (Thread | undefined)[] = Array.from({ length: Math.max(1, size) }, () => undefined);
  const waiting = new Map<number, { thread: Thread; op: string; resolve(): void; reject(err: Error): void }>();
  let next = 0;

  const start = (slot: number): Thread => {
    const worker = new Worker(WORKER, { eval: true });
    const thread: Thread = { worker, pending: 0 };
    worker.on('message', ({ id, code }: { id: number; code?: string }) => {
      const w = waiting.get(id);
      waiting.delete(id);
      if (w === undefined) return;
      thread.pending--;
      if (thread.pending === 0) {
        // Idle: it must not keep a process alive that has nothing else to do.
        worker.unref();
        thread.idle = setTimeout(() => {
          if (thread.pending === 0 && threads[slot] === thread) {
            threads[slot] = undefined;
            void worker.terminate();
          }
        }, IDLE_MS);
        thread.idle.unref();
      }
      if (code === undefined) w.resolve();
      else w.reject(new FsThreadError(w.op, code));
    });
    const fail = (): void => {
      if (threads[slot] === thread) threads[slot] = undefined;
      for (const [id, w] of waiting) {
        if (w.thread !== thread) continue;
        waiting.delete(id);
        w.reject(new FsThreadError(w.op, 'THREAD_STOPPED'));
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    threads[slot] = thread;
    return thread;
  };

  const run = (op: Op, transfer: ArrayBuffer[] = []): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let slot = 0;
      for (let i = 1; i < threads.length; i++) if ((threads[i]?.pending ?? 0) < (threads[slot]?.pending ?? 0)) slot = i;
      const thread = threads[slot] ?? start(slot);
      clearTimeout(thread.idle);
      // An operation in flight keeps the process alive until it is answered (a CLI command waits for its sync).
      if (thread.pending++ === 0) thread.worker.ref();
      const id = next++;
      waiting.set(id, { thread, op: op.op, resolve, reject });
      thread.worker.postMessage({ ...op, id }, transfer);
    });

  return {
    datasync: (fd) => run({ op: 'datasync', fd }),
    place(file, body, exclusive, tempSuffix) {
      // A view into a larger buffer (Node's pool of small buffers) is cut out: the thread
      // receives a view's whole buffer otherwise.
      const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : body.slice();
      return run({ op: 'place', file, body: own, exclusive, tempSuffix });
    },
    syncPath: (path) => run({ op: 'sync-path', path }),
    async close() {
      const all = threads.filter((t): t is Thread => t !== undefined);
      threads.fill(undefined);
      for (const t of all) clearTimeout(t.idle);
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}
