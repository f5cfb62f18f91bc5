/**
 * `pnpm --filter @hcdl/bench bench:durability [--seconds 5] [--clients 64]`
 *
 * The candidates for making the local lake's ingest durable (ADR 0009), measured on this
 * machine's disk in one run, with the same simulated load: `clients` concurrent requests, each
 * storing one ~450-byte raw message, one catalog row and a dedup record (inserted, then
 * completed), and answering only once all of it is durable. Nothing else runs (no HTTP, no
 * parsing, no staging): this is the storage path alone. Each candidate prints requests/s,
 * p50/p99 latency and the syncs it asked the disk for per request.
 */
import { close as closeFd, closeSync, fdatasync, fsync, mkdirSync, open as openFd, openSync, writeSync } from 'node:fs';
import { link, mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../../packages/local/src/adapters/local-adapters';
import { GroupCommit, type SyncFile } from '../../../packages/local/src/adapters/group-commit';
import { scriptArgs } from '../options';

const { values } = parseArgs({
  args: scriptArgs(),
  options: { seconds: { type: 'string', default: '5' }, clients: { type: 'string', default: '64' } },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);

const RAW = Buffer.from(`MSH|^~\\&|ADMIT|WARD7|HCDL|LAKE|20260101120000||ADT^A01^ADT_A01|ID|P|2.5.1\r${'PID|1||PAT4711^^^WARD7^MR||Doe^Jane\r'.repeat(10)}`);
const DOC = JSON.stringify({ messageId: 'x', source: 'bench', status: 'ingested', rawKey: 'raw/x', contentHash: 'h'.repeat(64), size: 450, attempts: 0 });

interface Candidate {
  name: string;
  /** Makes one request durable (raw + row + dedup record). */
  request(i: number): Promise<void>;
  syncs(): number;
  close(): Promise<void>;
}

const p = <T>(f: (cb: (err: NodeJS.ErrnoException | null, v?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v as T))));

function schema(db: ReturnType<typeof openDatabase>): void {
  db.exec(`CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS idempotency (id TEXT PRIMARY KEY, status TEXT NOT NULL, data TEXT);
    CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, body BLOB, segment INTEGER, offset INTEGER, size INTEGER)`);
}

/** A: what main did before group commit: a file + sidecar per object (temp, fsync, link, folder fsync), SQLite synchronous=FULL per statement. */
async function filesPerRequest(dir: string): Promise<Candidate> {
  const db = openDatabase(path.join(dir, 'a.db'));
  db.pragma('synchronous = FULL');
  schema(db);
  let syncs = 0;
  const durable = async (file: string, data: Uint8Array): Promise<void> => {
    const fh = await open(file, 'w');
    await fh.writeFile(data);
    await fh.sync();
    syncs++;
    await fh.close();
  };
  const zone = path.join(dir, 'a-zone');
  await mkdir(zone, { recursive: true });
  return {
    name: 'A. a file + sidecar per object, SQLite FULL per statement (before)',
    async request(i) {
      const file = path.join(zone, `${i}.hl7`);
      await durable(`${file}.side.tmp`, Buffer.from('{"metadata":{}}'));
      await durable(`${file}.tmp`, RAW);
      await link(`${file}.tmp`, file);
      await rm(`${file}.tmp`);
      await rename(`${file}.side.tmp`, `${file}.meta.json`);
      const fh = await open(zone, 'r');
      await fh.sync();
      syncs++;
      await fh.close();
      // Each statement commits and syncs the WAL (synchronous=FULL), on the event loop.
      db.prepare('INSERT INTO idempotency (id, status) VALUES (?, ?)').run(`k${i}`, 'INPROGRESS');
      db.prepare('INSERT INTO messages (id, doc) VALUES (?, ?)').run(`m${i}`, DOC);
      db.prepare('UPDATE idempotency SET status = ?, data = ? WHERE id = ?').run('COMPLETED', '{}', `k${i}`);
      syncs += 3;
    },
    syncs: () => syncs,
    close: async () => void db.close(),
  };
}

/** Counts the syncs the group commit asks for. */
function countingSync(): { sync: SyncFile; count: () => number } {
  let n = 0;
  return {
    sync: (fd) => {
      n++;
      return p<void>((cb) => fdatasync(fd, (e) => cb(e)));
    },
    count: () => n,
  };
}

/** B: files written without a sync each, then per batch one fsync per file and one per folder; SQLite rows group-committed. */
async function filesBatched(dir: string): Promise<Candidate> {
  const db = openDatabase(path.join(dir, 'b.db'));
  schema(db);
  const counting = countingSync();
  const group = new GroupCommit(db, counting.sync);
  const zone = path.join(dir, 'b-zone');
  await mkdir(zone, { recursive: true });
  let fileSyncs = 0;
  // One batch of file syncs at a time; files written meanwhile wait for the next.
  let pending: string[] = [];
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    const files = pending;
    pending = [];
    await Promise.all(
      files.map(async (f) => {
        const fd = await p<number>((cb) => openFd(f, 'r', cb));
        await p<void>((cb) => fsync(fd, (e) => cb(e)));
        await p<void>((cb) => closeFd(fd, (e) => cb(e)));
      }),
    );
    const fd = await p<number>((cb) => openFd(zone, 'r', cb));
    await p<void>((cb) => fsync(fd, (e) => cb(e)));
    await p<void>((cb) => closeFd(fd, (e) => cb(e)));
    fileSyncs += files.length + 1;
  };
  const synced = (file: string): Promise<void> => {
    pending.push(file);
    if (running === undefined) {
      running = flush().finally(() => (running = undefined));
      return running;
    }
    next ??= running.then(() => {
      next = undefined;
      running = flush().finally(() => (running = undefined));
      return running;
    });
    return next;
  };
  return {
    name: 'B. a file per object, its fsync shared per batch; SQLite rows group-committed',
    async request(i) {
      const file = path.join(zone, `${i}.hl7`);
      const fh = await open(file, 'wx');
      await fh.writeFile(RAW);
      await fh.close();
      await synced(file);
      await group.deferred(async () => {
        await group.write(() => db.prepare('INSERT INTO idempotency (id, status) VALUES (?, ?)').run(`k${i}`, 'INPROGRESS'));
        await group.write(() => db.prepare('INSERT INTO objects (key, size) VALUES (?, ?)').run(`raw/${i}`, RAW.length));
        await group.write(() => db.prepare('INSERT INTO messages (id, doc) VALUES (?, ?)').run(`m${i}`, DOC));
        await group.write(() => db.prepare('UPDATE idempotency SET status = ?, data = ? WHERE id = ?').run('COMPLETED', '{}', `k${i}`));
      });
    },
    syncs: () => counting.count() + fileSyncs,
    close: async () => {
      await group.close();
      db.close();
    },
  };
}

/** C: one append-only segment file for raw bytes (fdatasync per batch), its index and the rows in SQLite, group-committed after it. */
async function segmentLog(dir: string): Promise<Candidate> {
  const db = openDatabase(path.join(dir, 'c.db'));
  schema(db);
  const counting = countingSync();
  const group = new GroupCommit(db, counting.sync);
  mkdirSync(path.join(dir, 'c-seg'), { recursive: true });
  const fd = openSync(path.join(dir, 'c-seg', '000001.seg'), 'a');
  let offset = 0;
  let segSyncs = 0;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const syncSegment = (): Promise<void> => {
    const start = (): Promise<void> => {
      running = p<void>((cb) => fdatasync(fd, (e) => cb(e))).finally(() => (running = undefined));
      segSyncs++;
      return running;
    };
    if (running === undefined) return start();
    next ??= running.then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
  return {
    name: 'C. append-only segment for raw bytes + index in SQLite (log sync, then group commit)',
    async request(i) {
      const at = offset;
      offset += writeSync(fd, RAW);
      await syncSegment();
      await group.deferred(async () => {
        await group.write(() => db.prepare('INSERT INTO idempotency (id, status) VALUES (?, ?)').run(`k${i}`, 'INPROGRESS'));
        await group.write(() => db.prepare('INSERT INTO objects (key, segment, offset, size) VALUES (?, 1, ?, ?)').run(`raw/${i}`, at, RAW.length));
        await group.write(() => db.prepare('INSERT INTO messages (id, doc) VALUES (?, ?)').run(`m${i}`, DOC));
        await group.write(() => db.prepare('UPDATE idempotency SET status = ?, data = ? WHERE id = ?').run('COMPLETED', '{}', `k${i}`));
      });
    },
    syncs: () => counting.count() + segSyncs,
    close: async () => {
      await group.close();
      db.close();
      closeSync(fd);
    },
  };
}

/** D (chosen): raw bytes in the SQLite file, in the same group commit as the rows: one WAL fdatasync per batch. */
async function sqliteBlobs(dir: string, deferred: boolean): Promise<Candidate> {
  const db = openDatabase(path.join(dir, deferred ? 'd.db' : 'e.db'));
  schema(db);
  const counting = countingSync();
  const group = new GroupCommit(db, counting.sync);
  const writes = async (i: number): Promise<void> => {
    await group.write(() => db.prepare('INSERT INTO idempotency (id, status) VALUES (?, ?)').run(`k${i}`, 'INPROGRESS'));
    await group.write(() => db.prepare('INSERT INTO objects (key, body, size) VALUES (?, ?, ?)').run(`raw/${i}`, RAW, RAW.length));
    await group.write(() => db.prepare('INSERT INTO messages (id, doc) VALUES (?, ?)').run(`m${i}`, DOC));
    await group.write(() => db.prepare('UPDATE idempotency SET status = ?, data = ? WHERE id = ?').run('COMPLETED', '{}', `k${i}`));
  };
  return {
    name: deferred
      ? 'D. raw bytes in SQLite, one group commit per batch, one wait per request (chosen)'
      : "D'. raw bytes in SQLite, group commit, but each write waits for its own commit",
    request: (i) => (deferred ? group.deferred(() => writes(i)) : writes(i)),
    syncs: () => counting.count(),
    close: async () => {
      await group.close();
      db.close();
    },
  };
}

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

async function measure(c: Candidate): Promise<{ rate: number; p50: number; p99: number; syncsPerRequest: number }> {
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < end) {
        const n = i++;
        const t = performance.now();
        await c.request(n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rate: latencies.length / SECONDS, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), syncsPerRequest: c.syncs() / latencies.length };
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(process.cwd(), '.bench-durability-'));
  console.log(`durability candidates: ${CLIENTS} concurrent requests, ${SECONDS} s each, ${RAW.length}-byte raw message, folder ${root}`);
  try {
    const rows: string[] = ['| candidate | requests/s | p50 ms | p99 ms | syncs per request |', '| --- | ---: | ---: | ---: | ---: |'];
    for (const make of [filesPerRequest, filesBatched, segmentLog, (d: string) => sqliteBlobs(d, false), (d: string) => sqliteBlobs(d, true)]) {
      const c = await make(root);
      const r = await measure(c);
      await c.close();
      const line = `| ${c.name} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.syncsPerRequest.toFixed(2)} |`;
      console.log(line);
      rows.push(line);
    }
    console.log(`\n${rows.join('\n')}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
