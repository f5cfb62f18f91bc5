import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints of a WAL-mode SQLite file on a thread of its own. SQLite's automatic checkpoint
 * runs inside the COMMIT that pushes the WAL past its threshold: on the event loop, copying
 * the WAL's pages into the database file and syncing both, while every request waits. The
 * group commit turns it off on its connection (`wal_autocheckpoint = 0`) and asks this thread,
 * which has its own connection, for a PASSIVE checkpoint instead: it never waits for the
 * writer, and the writer never waits for it (SQLite restarts the WAL from its start at the
 * next write once a checkpoint has copied all of it).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  let code;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    code = String(err && err.code ? err.code : 'SQLITE_ERROR');
  }
  parentPort.postMessage({ code });
});
`;

export interface Checkpointer {
  /** Asks for a checkpoint: one starts now, or once the one running ends (requests made meanwhile are one). */
  request(): void;
  /** Checkpoints done and failed so far (the health route shows them with the group commit's figures). */
  readonly stats: { checkpoints: number; failures: number };
  /** Waits for the checkpoint running, then closes the thread's connection. */
  close(): Promise<void>;
}

/**
 * A checkpointer of `file` (a database in WAL mode). `onFailure` is told when the thread
 * cannot run at all (then nothing checkpoints: the caller gives SQLite its automatic
 * checkpoint back).
 */
export function createCheckpointer(file: string, onFailure: () => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const stats = { checkpoints: 0, failures: 0 };
  let worker: Worker | undefined;
  let running = false;
  let again = false;
  let failed = false;
  let ended: (() => void) | undefined;

  const fail = (): void => {
    if (failed) return;
    failed = true;
    worker = undefined;
    running = false;
    ended?.();
    onFailure();
  };

  const start = (): void => {
    running = true;
    again = false;
    if (worker === undefined) {
      worker = new Worker(WORKER, { eval: true, workerData: { file, driver } });
      worker.on('message', ({ code }: { code?: string }) => {
        if (code === undefined) stats.checkpoints++;
        else stats.failures++;
        running = false;
        if (again && ended === undefined) start();
        else {
          worker?.unref();
          ended?.();
        }
      });
      worker.on('error', fail);
      worker.on('exit', (exitCode) => {
        if (ended === undefined && exitCode !== 0) fail();
      });
    }
    worker.ref();
    worker.postMessage('checkpoint');
  };

  return {
    stats,
    request() {
      if (failed || ended !== undefined) return;
      if (running) again = true;
      else start();
    },
    async close() {
      if (running) await new Promise<void>((resolve) => (ended = resolve));
      ended = () => undefined;
      const w = worker;
      worker = undefined;
      if (w === undefined || failed) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('close');
      await exited;
    },
  };
}
