/**
 * `pnpm --filter @hcdl/bench bench:lag [-- --rate 1000 --seconds 30 --before 20]`
 *
 * The staging lag of issue 12 on its own, in the situation bench:ingest measures it in: a lake
 * that has just taken a burst (`--before` seconds of the 64-client load, whose staging backlog
 * is drained but whose refined FHIR stage is still catching up), then a sustained `--rate`
 * msg/s for `--seconds`. Prints the lag from the 201 to `staged` (p50, p99, max), the refined
 * stage's backlog seen in /health during the run, and how long the refined zone took to catch
 * up after it, and the lake's resident memory (peak from the sustained load to that point, and
 * then). Quicker than the whole bench:ingest when a change targets the lag.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scriptArgs } from '../options';
import { load } from './http-load';
import { drained, health, rowsOf } from './lake-state';
import { LOAD_TEMPLATE } from './messages';
import { startLake } from './processes';
import { percentile } from './stats';
import { benchToken, PUBLIC_URL } from './token';

const { values } = parseArgs({
  args: scriptArgs(),
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    before: { type: 'string', default: '20' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('Usage: pnpm --filter @hcdl/bench bench:lag [-- --rate 1000 --seconds 30 --before 20 (seconds of a 64-client burst first; 0: none)]');
  process.exit(0);
}
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BEFORE = Number(values.before);

const refinedBacklog = async (url: string): Promise<number> => {
  const { refined } = await health(url);
  return (refined?.inWork ?? 0) + (refined?.waiting ?? 0);
};

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hcdl-bench-lag-'));
  const dataDir = path.join(dir, 'lake');
  const lake = await startLake(dataDir, { HCDL_PUBLIC_URL: PUBLIC_URL });
  try {
    const token = await benchToken(dataDir, 'bench,lag');
    const headers = { 'content-type': 'application/hl7-v2', authorization: `Bearer ${token}` };
    const drive = (seconds: number, source: string, rate?: number) =>
      load({
        url: lake.url,
        path: `/hl7v2/er7?source=${source}`,
        connections: 64,
        seconds,
        body: LOAD_TEMPLATE,
        headers,
        ...(rate !== undefined ? { rate } : {}),
      });
    await drive(3, 'bench');
    await drained(lake.url);
    if (BEFORE > 0) {
      const burst = await drive(BEFORE, 'bench');
      await drained(lake.url);
      console.log(`burst: ${burst.requests} messages in ${BEFORE} s (${burst.rate.toFixed(0)} msg/s), staging drained`);
    }
    let backlogMax = 0;
    let rssPeak = lake.rss();
    const rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, lake.rss())), 200);
    const sampler = setInterval(() => {
      refinedBacklog(lake.url).then(
        (n) => (backlogMax = Math.max(backlogMax, n)),
        () => undefined,
      );
    }, 500);
    const lag = await drive(SECONDS, 'lag', RATE);
    clearInterval(sampler);
    await drained(lake.url);
    const rows = rowsOf(dataDir, 'lag');
    const lags = rows.map((r) => Date.parse(r.updatedAt) - Date.parse(r.receivedAt));
    const t = performance.now();
    while ((await refinedBacklog(lake.url)) > 0) await new Promise((r) => setTimeout(r, 250));
    const refinedSeconds = (performance.now() - t) / 1000;
    clearInterval(rssSampler);
    const rssAfter = lake.rss();
    console.log(
      `bench:lag  Node ${process.version}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end`,
    );
    console.log(
      '| load | sent | errors | staged | lag p50 ms | lag p99 ms | lag max ms | refined backlog, most seen | refined caught up after the run | lake RSS peak / after, MB |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| ${RATE} msg/s for ${SECONDS} s | ${lag.requests} (${lag.rate.toFixed(0)} msg/s) | ${lag.errors} | ${rows.filter((r) => r.status === 'staged').length} of ${rows.length} | ${percentile(lags, 0.5)} | ${percentile(lags, 0.99)} | ${Math.max(...lags)} | ${backlogMax} | ${refinedSeconds.toFixed(1)} s | ${(rssPeak / 1048576).toFixed(0)} / ${(rssAfter / 1048576).toFixed(0)} |`,
    );
  } finally {
    await lake.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
