/**
 * `pnpm --filter @hcdl/bench bench:query [--count 100000] [--via staging|front-door]
 *   [--data-dir DIR] [--keep] [--runs 5]`
 *
 * SQL over a lake of generated messages: `SELECT type, count(*) FROM staging GROUP BY type`
 * on the staging JSON, then on Parquet after `compact`, plus the time to open the engine
 * (copying the catalog into DuckDB), to define the staging view and to compact. How the
 * lake is filled: see query-fill.ts (`--via staging`, the default, runs the staging steps
 * and writes zone files and catalog rows directly; `--via front-door` ingests every message
 * through the real front door and pipeline, a few times slower). A data dir that already
 * holds a catalog is reused as it is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
// Workspace sources by path: bench depends on @hcdl/hl7v2 only (each file resolves its own deps).
import { compactStaging, QueryEngine } from '../../packages/local/src/query';
import { fillViaFrontDoor, fillViaStagingSteps } from './query-fill';

const SQL = 'SELECT type, count(*) AS messages FROM staging GROUP BY type ORDER BY type';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    via: { type: 'string', default: 'staging' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
if (values.via !== 'staging' && values.via !== 'front-door') throw new Error('--via is staging or front-door');

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function timeQuery(engine: QueryEngine): Promise<{ times: number[]; total: number; groups: number }> {
  const times: number[] = [];
  let total = 0;
  let groups = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const res = await engine.query(SQL);
    times.push(ms(t0));
    total = res.rows.reduce((s, row) => s + Number(row[1]), 0);
    groups = res.rows.length;
  }
  return { times, total, groups };
}

async function main(): Promise<void> {
  const dataDir = values['data-dir'] ?? (await mkdtemp(path.join(tmpdir(), 'hcdl-bench-query-')));
  const reuse = existsSync(path.join(dataDir, 'catalog.db'));
  console.log(`bench:query  ${count} generated messages  data dir ${dataDir}${reuse ? ' (reused)' : ''}`);
  console.log(`query: ${SQL}`);
  try {
    if (!reuse) {
      const t0 = process.hrtime.bigint();
      const filled = values.via === 'front-door' ? await fillViaFrontDoor(dataDir, count) : await fillViaStagingSteps(dataDir, count);
      console.log(`fill via ${values.via}: ${fmt(ms(t0))}  staged ${filled.staged}, error ${filled.errors}`);
    }
    await rm(path.join(dataDir, 'zones', 'parquet'), { recursive: true, force: true });

    const open = async (): Promise<{ engine: QueryEngine; catalog: number; view: number }> => {
      let t = process.hrtime.bigint();
      const engine = await QueryEngine.open({ dataDir });
      const catalog = ms(t);
      t = process.hrtime.bigint();
      await engine.ensureStaging();
      return { engine, catalog, view: ms(t) };
    };
    const line = (label: string, o: { catalog: number; view: number }, q: { times: number[]; total: number; groups: number }): string =>
      `${label} open: catalog copy ${fmt(o.catalog)}, staging view ${fmt(o.view)}  query median ${fmt(median(q.times))} (runs: ${q.times.map(fmt).join(', ')})  -> ${q.total} rows in ${q.groups} types`;

    const json = await open();
    const onJson = await timeQuery(json.engine);
    json.engine.close();
    console.log(line('JSON    ', json, onJson));

    const t0 = process.hrtime.bigint();
    const manifest = await compactStaging({ dataDir });
    console.log(`compact  ${fmt(ms(t0))}  ${manifest?.messages} messages, ${manifest?.partitions} partitions`);

    const parquet = await open();
    const onParquet = await timeQuery(parquet.engine);
    parquet.engine.close();
    const m = median(onParquet.times);
    console.log(line('Parquet ', parquet, onParquet));
    if (onParquet.total !== onJson.total) throw new Error(`Parquet counted ${onParquet.total} rows, JSON ${onJson.total}`);
    if (count >= 100_000) console.log(`target: Parquet query < 1 s for 100k messages: ${m < 1000 ? 'met' : 'NOT met'} (${fmt(m)})`);
    else console.log('(the < 1 s target is for 100,000 messages: run without --count)');
  } finally {
    if (!values.keep && values['data-dir'] === undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
