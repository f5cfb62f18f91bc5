/**
 * `pnpm --filter @hcdl/bench bench:cpu [-- --messages 4000]`
 *
 * CPU time per message, by thread, of the local lake's whole walk (HTTP ingest, staging,
 * outcome, refined FHIR zone) beside the bare append+fdatasync server's per request, same
 * 64-client load, same run. Wall-clock throughput (bench:ingest) depends on what else the
 * machine runs; CPU time per message much less, so this is the figure to compare between
 * changes on a shared machine. Read from /proc/<pid>/task/<tid>/stat (Linux only): the main
 * thread (HTTP, SQLite, the pipeline's use-cases) and the others (staging workers, file-system
 * threads, V8's). `main ceiling` is the rate at which the main thread would be saturated.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openDatabase } from '../../../packages/local/src/adapters/local-adapters';
import { scriptArgs } from '../options';
import { perThreadCpu, threadCpu } from '../proc-cpu';
import { drained } from './lake-state';
import { LOAD_TEMPLATE } from './messages';
import { type Child, startBare, startLake } from './processes';
import { benchToken, PUBLIC_URL } from './token';

const { values } = parseArgs({
  args: scriptArgs(),
  options: { messages: { type: 'string', default: '4000' }, threads: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  console.log('Usage: pnpm --filter @hcdl/bench bench:cpu [-- --messages N (default 4000)] [--threads (each thread of the lake, by id)]');
  process.exit(0);
}
const N = Number(values.messages);
const WARM_UP = 600;
const CLIENTS = 64;

function send(url: string, amount: number, headers: Record<string, string>): Promise<{ seconds: number; non2xx: number; errors: number }> {
  return new Promise((resolve, reject) =>
    autocannon(
      { url: `${url}/hl7v2/er7?source=bench`, method: 'POST', connections: CLIENTS, amount, body: LOAD_TEMPLATE, idReplacement: true, headers, timeout: 60 },
      (err, r) => (err ? reject(err) : resolve({ seconds: r.duration, non2xx: r.non2xx, errors: r.errors + r.timeouts })),
    ),
  );
}

/** Messages of the lake marked refined (every version of the message committed and published). */
function refinedCount(dataDir: string): number {
  const db = openDatabase(path.join(dataDir, 'refined.db'));
  try {
    return (db.prepare('SELECT count(*) AS n FROM refined_messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function until(done: () => boolean | Promise<boolean>, what: string, seconds = 900): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Measured {
  ingest: { main: number; others: number };
  whole?: { main: number; others: number };
  /** ms/msg of each thread over the whole walk, busiest first (thread id, in order of creation). */
  threads?: Array<[number, number]>;
  seconds: number;
  failed: number;
}

/** `settle(n)` resolves once the server has finished the walk of its first `n` messages (the lake: staged and refined). */
async function measure(server: Child, headers: Record<string, string>, settle?: (messages: number) => Promise<void>): Promise<Measured> {
  const pid = server.process.pid as number;
  await send(server.url, WARM_UP, headers);
  await settle?.(WARM_UP);
  const t0 = threadCpu(pid);
  const p0 = perThreadCpu(pid);
  const run = await send(server.url, N, headers);
  const t1 = threadCpu(pid);
  const per = (a: { main: number; others: number }, b: { main: number; others: number }) => ({
    main: (a.main - b.main) / N,
    others: (a.others - b.others) / N,
  });
  const result: Measured = { ingest: per(t1, t0), seconds: run.seconds, failed: run.non2xx + run.errors };
  if (settle !== undefined) {
    await settle(WARM_UP + N);
    result.whole = per(threadCpu(pid), t0);
    result.threads = [...perThreadCpu(pid)]
      .map(([tid, ms]): [number, number] => [tid, (ms - (p0.get(tid) ?? 0)) / N])
      .filter(([, perMsg]) => perMsg > 0)
      .sort((a, b) => b[1] - a[1]);
  }
  return result;
}

const pid = (c: Child | undefined): number | undefined => c?.process.pid;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hcdl-bench-cpu-'));
  const dataDir = path.join(dir, 'lake');
  const bare = await startBare(dir);
  let lake: Child | undefined;
  try {
    const bareRun = await measure(bare, { 'content-type': 'application/hl7-v2' });
    await bare.stop();
    lake = await startLake(dataDir, { HCDL_PUBLIC_URL: PUBLIC_URL });
    const token = await benchToken(dataDir, 'bench');
    const url = lake.url;
    const lakeRun = await measure(lake, { 'content-type': 'application/hl7-v2', authorization: `Bearer ${token}` }, async (messages) => {
      await until(() => drained(url), 'staging drained');
      await until(() => refinedCount(dataDir) >= messages, 'refined zone caught up');
    });
    const f = (ms: number) => ms.toFixed(3);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`bench:cpu  Node ${process.version}, ${N} messages (after ${WARM_UP} warm-up), ${CLIENTS} clients, load average ${load} at the end`);
    console.log('| server | phase | main thread ms/msg | other threads ms/msg | total ms/msg | main ceiling msg/s | wall s | failed |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const row = (name: string, phase: string, c: { main: number; others: number }, m: Measured) =>
      console.log(
        `| ${name} | ${phase} | ${f(c.main)} | ${f(c.others)} | ${f(c.main + c.others)} | ${Math.round(1000 / c.main).toLocaleString('en-US')} | ${m.seconds.toFixed(1)} | ${m.failed} |`,
      );
    row('bare append + fdatasync', 'ingest', bareRun.ingest, bareRun);
    row('HCDL lake', 'ingest (during the load)', lakeRun.ingest, lakeRun);
    if (lakeRun.whole !== undefined) row('HCDL lake', 'whole walk (staged and refined)', lakeRun.whole, lakeRun);
    if (values.threads && lakeRun.threads !== undefined) {
      console.log(
        '\nLake threads alive at the end, over the whole walk (Node names every thread `node`: the id is the order of creation; the main thread is the pid; a thread that ended meanwhile is counted in the table above only):',
      );
      console.log('| thread id | ms/msg |');
      console.log('| ---: | ---: |');
      for (const [tid, perMsg] of lakeRun.threads) console.log(`| ${tid}${tid === pid(lake) ? ' (main)' : ''} | ${f(perMsg)} |`);
    }
  } finally {
    await lake?.stop();
    await bare.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
