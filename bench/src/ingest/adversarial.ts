/**
 * `pnpm --filter @hcdl/bench bench:adversarial [-- --shape ^ --mb 10 --before 20]`
 *
 * The adversarial-message figures of issue 12 on their own: a lake that has taken a burst
 * (`--before` seconds of the 64-client load, staging drained), then one message of `--mb` MB
 * of the chosen shape (`^`, `&`, `~` or `|` runs in OBX-5, or one-field NTE segments) posted
 * while GET /health and normal posts are measured. Prints where the message ended and when,
 * the /health and post latencies before, while it is accepted and while it stages, and the
 * lake's resident memory before the POST and at its peak. `--shape all` runs every shape, each
 * on a lake of its own. Quicker than the whole bench:ingest when a change targets this.
 * `BENCH_LAKE_ENV='{"HCDL_STAGING_MEMORY_MB":"512"}'` starts the lake with other settings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scriptArgs } from '../options';
import { adversarialRun } from './adversarial-run';
import { load } from './http-load';
import { drained } from './lake-state';
import { ADVERSARIAL_SHAPES, type AdversarialShape, LOAD_TEMPLATE } from './messages';
import { startLake } from './processes';
import { benchToken, PUBLIC_URL } from './token';

const { values } = parseArgs({
  args: scriptArgs(),
  options: {
    shape: { type: 'string', default: '^' },
    mb: { type: 'string', default: '10' },
    before: { type: 'string', default: '20' },
    help: { type: 'boolean', default: false },
  },
});
const shapes = values.shape === 'all' ? [...ADVERSARIAL_SHAPES] : [values.shape as AdversarialShape];
if (values.help || shapes.some((s) => !ADVERSARIAL_SHAPES.includes(s))) {
  console.log(
    `Usage: pnpm --filter @hcdl/bench bench:adversarial [-- --shape ${ADVERSARIAL_SHAPES.join('|')}|all (default ^) --mb 10 --before 20 (seconds of a 64-client burst first; 0: none)]`,
  );
  process.exit(values.help ? 0 : 2);
}
const BYTES = Math.round(Number(values.mb) * 1024 * 1024) - 4096;
const BEFORE = Number(values.before);
const mb = (bytes: number): string => (bytes / 1048576).toFixed(0);

async function one(shape: AdversarialShape): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hcdl-bench-adv-'));
  const dataDir = path.join(dir, 'lake');
  const lake = await startLake(dataDir, { HCDL_PUBLIC_URL: PUBLIC_URL, ...(process.env.BENCH_LAKE_ENV ? JSON.parse(process.env.BENCH_LAKE_ENV) : {}) });
  try {
    const token = await benchToken(dataDir, 'bench,adv,adv-others');
    const headers = { 'content-type': 'application/hl7-v2', authorization: `Bearer ${token}` };
    if (BEFORE > 0) {
      await load({ url: lake.url, path: '/hl7v2/er7?source=bench', connections: 64, seconds: BEFORE, body: LOAD_TEMPLATE, headers });
      await drained(lake.url);
    }
    const rssBefore = lake.rss();
    const adv = await adversarialRun({ url: lake.url, token, bytes: BYTES, shape, clients: 8, calmSeconds: 3, rss: () => lake.rss(), timeoutSeconds: 300 });
    const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');
    return `| \`${shape}\` | ${adv.status} in ${f(adv.answerMs)} ms | ${adv.outcome} after ${(adv.outcomeMs / 1000).toFixed(1)} s | ${f(adv.calm.health.p99)} / ${f(adv.calm.others.p99)} | ${f(adv.accepting.health.p99)} / ${f(adv.accepting.others.p99)} | ${f(adv.staging.health.p99)} / ${f(adv.staging.others.p99)} | ${mb(rssBefore)} / ${mb(adv.peakRss)} |`;
  } finally {
    await lake.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
for (const shape of shapes) rows.push(await one(shape));
console.log(
  `bench:adversarial  Node ${process.version}, ${mb(BYTES + 4096)} MB messages after a ${BEFORE} s burst, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end`,
);
console.log('| shape | answered | outcome | /health / posts p99 ms, before | while accepted | while staging | lake RSS before / peak, MB |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
