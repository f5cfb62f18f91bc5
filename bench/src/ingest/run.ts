/**
 * `pnpm --filter @hcdl/bench bench:ingest [-- --seconds 20 --rounds 3 --quick]`
 *
 * The local lake's ingest, measured end to end in one run beside its reference (issue 12):
 * the lake (`hcdl serve`, its own process, default settings) and a bare Node server that
 * appends each body to one file and fdatasyncs it before answering 201, both driven with the
 * same 64-client load by autocannon on loopback, rounds interleaved; then, on the lake only,
 * the staging lag at a sustained 1,000 msg/s, a 5,000-message batch file, MLLP over 1 and 8
 * connections, and a 10 MB adversarial message while /health and other posts are measured.
 * Prints the figures, the targets with PASS/FAIL, and the same as markdown for
 * docs/benchmarks.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { adversarialRun } from './adversarial-run';
import { load, type LoadResult } from './http-load';
import { drained, health, rowsOf } from './lake-state';
import { batchFile, LOAD_TEMPLATE } from './messages';
import { mllpLoad, type MllpResult } from './mllp-load';
import { type Child, startBare, startLake } from './processes';
import { type IngestReport, printReport } from './report';
import { median, percentile } from './stats';
import { benchToken, PUBLIC_URL } from './token';
import { scriptArgs } from '../options';

const { values } = parseArgs({
  args: scriptArgs(),
  options: {
    seconds: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    'lag-seconds': { type: 'string', default: '30' },
    'mllp-seconds': { type: 'string', default: '15' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: pnpm --filter @hcdl/bench bench:ingest [-- options]
  --seconds S       seconds of each 64-client round per server (default 20)
  --rounds N        interleaved rounds (bare, lake, bare, lake, ...); medians reported (default 3)
  --lag-seconds S   seconds of the sustained 1,000 msg/s load for the staging lag (default 30)
  --mllp-seconds S  seconds of each MLLP run (default 15)
  --quick           5 s rounds, 1 round, 10 s lag, 5 s MLLP runs`);
  process.exit(0);
}
const quick = values.quick === true;
const SECONDS = quick ? 5 : Number(values.seconds);
const ROUNDS = quick ? 1 : Number(values.rounds);
const LAG_SECONDS = quick ? 10 : Number(values['lag-seconds']);
const MLLP_SECONDS = quick ? 5 : Number(values['mllp-seconds']);
const CLIENTS = 64;
const SOURCES = 'bench,lag,batch,adv,adv-others';

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hcdl-bench-ingest-'));
  const dataDir = path.join(dir, 'lake');
  console.log(`bench:ingest  ${CLIENTS} clients, ${ROUNDS} round(s) of ${SECONDS} s per server, data in ${dir}`);
  const lake = await startLake(dataDir, { HCDL_PUBLIC_URL: PUBLIC_URL });
  const bare = await startBare(dir);
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, lake.rss())), 200);
  try {
    const token = await benchToken(dataDir, SOURCES);
    const headers = { 'content-type': 'application/hl7-v2', authorization: `Bearer ${token}` };
    const drive = (c: Child, seconds: number, extra: { rate?: number; source?: string } = {}): Promise<LoadResult> =>
      load({
        url: c.url,
        path: `/hl7v2/er7?source=${extra.source ?? 'bench'}`,
        connections: CLIENTS,
        seconds,
        body: LOAD_TEMPLATE,
        headers,
        ...(extra.rate !== undefined ? { rate: extra.rate } : {}),
      });

    // Warm-up: both servers, and the lake's staging workers, start for real.
    console.log('warm-up');
    await drive(bare, 3);
    await drive(lake, 3);
    await drained(lake.url);

    const rounds: { bare: LoadResult; lake: LoadResult; lakeDrainSeconds: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const b = await drive(bare, SECONDS);
      const before = await health(lake.url);
      const l = await drive(lake, SECONDS);
      const after = await health(lake.url);
      const t = performance.now();
      await drained(lake.url);
      const lakeDrainSeconds = (performance.now() - t) / 1000;
      const syncs = after.durability.syncs - before.durability.syncs;
      console.log(
        `round ${r + 1}: bare ${b.rate.toFixed(0)} msg/s p99 ${b.p99} ms | lake ${l.rate.toFixed(0)} msg/s p99 ${l.p99} ms, ${(l.requests / Math.max(1, syncs)).toFixed(1)} msgs per sync, backlog drained in ${lakeDrainSeconds.toFixed(1)} s`,
      );
      rounds.push({ bare: b, lake: l, lakeDrainSeconds });
    }

    console.log(`staging lag at 1,000 msg/s for ${LAG_SECONDS} s`);
    const lagLoad = await drive(lake, LAG_SECONDS, { rate: 1000, source: 'lag' });
    await drained(lake.url);
    const lagRows = rowsOf(dataDir, 'lag');
    const lags = lagRows.map((r) => Date.parse(r.updatedAt) - Date.parse(r.receivedAt));

    console.log('batch file of 5,000 messages');
    const batchBody = batchFile(5000, 'BATCH');
    let t = performance.now();
    const batchRes = await fetch(`${lake.url}/hl7v2/er7?source=batch`, { method: 'POST', headers, body: batchBody });
    const batchJson = (await batchRes.json()) as { messages?: { status: string }[] };
    const batchSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await drained(lake.url);
    const batchStagedSeconds = batchSeconds + (performance.now() - t) / 1000;

    console.log('MLLP');
    const mllp: MllpResult[] = [];
    for (const [connections, window] of [
      [1, 1],
      [1, 64],
      [8, 1],
      [8, 64],
    ] as const) {
      mllp.push(await mllpLoad(lake.mllpPort as number, connections, window, MLLP_SECONDS, `MLLP-${connections}-${window}`));
      await drained(lake.url);
    }

    console.log('10 MB adversarial message');
    const adv = await adversarialRun({
      url: lake.url,
      token,
      bytes: 10 * 1024 * 1024 - 4096,
      clients: 8,
      calmSeconds: quick ? 3 : 10,
      rss: () => lake.rss(),
      timeoutSeconds: 300,
    });
    await drained(lake.url);

    const report: IngestReport = {
      environment: `Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end`,
      clients: CLIENTS,
      seconds: SECONDS,
      rounds: rounds.map((r) => ({ bare: r.bare, lake: r.lake })),
      bare: pick(rounds.map((r) => r.bare)),
      lake: pick(rounds.map((r) => r.lake)),
      lag: {
        seconds: LAG_SECONDS,
        rate: lagLoad.rate,
        errors: lagLoad.errors,
        messages: lagRows.length,
        staged: lagRows.filter((r) => r.status === 'staged').length,
        p50: percentile(lags, 0.5),
        p99: percentile(lags, 0.99),
        max: lags.length === 0 ? Number.NaN : Math.max(...lags),
      },
      batch: {
        status: batchRes.status,
        messages: batchJson.messages?.filter((m) => m.status === 'ingested').length ?? 0,
        seconds: batchSeconds,
        stagedSeconds: batchStagedSeconds,
      },
      mllp,
      adversarial: adv,
      rssPeak,
    };
    printReport(report);
  } finally {
    clearInterval(sampler);
    await lake.stop();
    await bare.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The round with the median lake (or bare) rate. */
function pick(results: LoadResult[]): LoadResult {
  const m = median(results.map((r) => r.rate));
  return results.find((r) => r.rate === m) ?? (results[0] as LoadResult);
}

await main();
