/**
 * `pnpm --filter @hcdl/bench bench:query [-- --count 100000] [--via staging|front-door]
 *   [--data-dir DIR] [--keep] [--runs 5] [--skip json,baseline,compact,cli]`
 *
 * SQL over a lake of generated messages (query-fill.ts: `--via staging`, the default, runs
 * the staging steps and writes zone files and catalog rows directly; `--via front-door`
 * ingests every message through the real front door, a few times slower). A data dir that
 * already holds a catalog is reused as it is. Then, in one run:
 *
 * 1. json: the lake never compacted: open (the catalog copied), define `staging` (every
 *    file's keys), the query on the staging JSON;
 * 2. baseline: the path before the catalog snapshot (query-baseline.ts): its compaction, then
 *    per query a full catalog copy and the staging view over its Parquet layout;
 * 3. compacted: `hcdl compact`, then per query the engine opened on the snapshot plus changes;
 * 4. cli: `hcdl query` as a process on the compacted lake, with tsx (`pnpm hcdl` today) and
 *    as one esbuild bundle run by node (a compiled bin).
 *
 * `--skip compact` reuses the compaction a `--data-dir` already has (to time the queries and
 * the CLI again without compacting). Every figure of a query is the median of `--runs` (each run opens a new engine, as every
 * `hcdl query` does). The target: a `hcdl query` on a compacted 100,000-message lake answers
 * in under 1 s including opening the engine.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
// Workspace sources by path: bench depends on @hcdl/hl7v2 only (each file resolves its own deps).
import { compactStaging, parquetDir, QueryEngine, readManifest } from '../../packages/local/src/query';
import { baselineDir, openBaseline, writeBaseline } from './query-baseline';
import { bundleCli, removeBundle, runCli } from './query-cli';
import { fillViaFrontDoor, fillViaStagingSteps } from './query-fill';
import { scriptArgs } from './options';

const GROUP_BY_TYPE = 'SELECT type, count(*) AS messages FROM staging GROUP BY type ORDER BY type';

const { values } = parseArgs({
  args: scriptArgs(),
  options: {
    count: { type: 'string', default: '100000' },
    via: { type: 'string', default: 'staging' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    skip: { type: 'string', default: '' },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const skip = new Set(values.skip.split(',').filter(Boolean));
if (values.via !== 'staging' && values.via !== 'front-door') throw new Error('--via is staging or front-door');
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--count and --runs are positive integers');

const fmt = (n: number): string => (Number.isNaN(n) ? '-' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const since = (t0: number): number => performance.now() - t0;

/** Median over `runs` of an async measure returning named durations. */
async function medians(n: number, measure: () => Promise<Record<string, number>>): Promise<Record<string, number>> {
  const all: Record<string, number[]> = {};
  for (let r = 0; r < n; r++) for (const [k, v] of Object.entries(await measure())) (all[k] ??= []).push(v);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, median(v)]));
}

const rowsOf = (rows: unknown[][]): string => JSON.stringify(rows.map((r) => r.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v))));

interface Table {
  label: string;
  cells: Record<string, string>;
}

function print(title: string, columns: string[], rows: Table[]): void {
  const w0 = Math.max(...rows.map((r) => r.label.length), title.length);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r.cells[c] ?? '').length)));
  console.log(`\n${title.padEnd(w0)} | ${columns.map((c, i) => c.padStart(widths[i]!)).join(' | ')}`);
  console.log(`${'-'.repeat(w0)}-+-${widths.map((w) => '-'.repeat(w)).join('-+-')}`);
  for (const r of rows) console.log(`${r.label.padEnd(w0)} | ${columns.map((c, i) => (r.cells[c] ?? '').padStart(widths[i]!)).join(' | ')}`);
}

async function main(): Promise<void> {
  const dataDir = values['data-dir'] ?? (await mkdtemp(path.join(tmpdir(), 'hcdl-bench-query-')));
  const reuse = existsSync(path.join(dataDir, 'catalog.db'));
  console.log(`bench:query  ${count} generated messages  data dir ${dataDir}${reuse ? ' (reused)' : ''}  runs ${runs}`);
  try {
    if (!reuse) {
      const t0 = performance.now();
      const filled = values.via === 'front-door' ? await fillViaFrontDoor(dataDir, count) : await fillViaStagingSteps(dataDir, count);
      console.log(`fill via ${values.via}: ${fmt(since(t0))}  staged ${filled.staged}, error ${filled.errors}`);
    }
    const reuseCompaction = skip.has('compact') && (await readManifest(dataDir)).manifest !== undefined;
    if (!reuseCompaction) await rm(parquetDir(dataDir), { recursive: true, force: true });
    // A compacted lake cannot be timed as never compacted.
    else skip.add('json');

    // A control id and a PID-3 value to look up, and the expected answer of GROUP BY type.
    const probe = await QueryEngine.open({ dataDir });
    let controlId: string;
    let expected: string;
    try {
      controlId = String((await probe.query("SELECT control_id FROM messages WHERE status = 'staged' ORDER BY message_id LIMIT 1")).rows[0]![0]);
      expected = rowsOf((await probe.query("SELECT structure, count(*) FROM messages WHERE status = 'staged' GROUP BY 1 ORDER BY 1")).rows);
      console.log(
        `catalog: ${Object.entries(probe.catalogRows ?? {})
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}`,
      );
    } finally {
      probe.close();
    }
    const byControl = (expr: string): string => `SELECT count(*) FROM staging WHERE ${expr} = '${controlId.replace(/'/g, "''")}'`;
    const check = (label: string, rows: unknown[][]): void => {
      if (rowsOf(rows) !== expected) throw new Error(`${label}: GROUP BY type gave ${rowsOf(rows)}, the catalog ${expected}`);
    };
    const table: Table[] = [];
    const row = (label: string): Table => {
      const t = { label, cells: {} };
      table.push(t);
      return t;
    };

    if (!skip.has('json')) {
      // Once: on JSON every step reads every file, minutes at 100,000 messages.
      const r = row('never compacted (JSON)');
      let t = performance.now();
      const engine = await QueryEngine.open({ dataDir });
      try {
        await engine.ensureCatalog();
        r.cells.open = fmt(since(t));
        t = performance.now();
        await engine.ensureStaging();
        r.cells['define staging'] = fmt(since(t));
        t = performance.now();
        check('JSON', (await engine.query(GROUP_BY_TYPE)).rows);
        r.cells['GROUP BY type'] = fmt(since(t));
        t = performance.now();
        await engine.query(byControl('msh.message_control_id'));
        r.cells['msh.message_control_id ='] = fmt(since(t));
      } finally {
        engine.close();
      }
      console.log(`json: ${JSON.stringify(r.cells)}`);
    }

    if (!skip.has('baseline')) {
      const r = row('old path, compacted');
      r.cells.compact = fmt(await writeBaseline(dataDir));
      const m = await medians(runs, async () => {
        const t0 = performance.now();
        const b = await openBaseline(dataDir);
        try {
          let t = performance.now();
          check('baseline', (await b.con.runAndReadAll(GROUP_BY_TYPE)).getRowsJson());
          const group = since(t);
          t = performance.now();
          // The old natural query failed (JSON = VARCHAR); its working form used ->>.
          await b.con.runAndReadAll(byControl("(msh->>'message_control_id')"));
          return { open: b.catalogMs, view: b.viewMs, group, control: since(t), total: since(t0) };
        } finally {
          b.close();
        }
      });
      Object.assign(r.cells, {
        open: fmt(m.open!),
        'define staging': fmt(m.view!),
        'GROUP BY type': fmt(m.group!),
        'msh.message_control_id =': `${fmt(m.control!)} (->>)`,
        'in process': fmt(m.total!),
      });
      await rm(baselineDir(dataDir), { recursive: true, force: true });
      console.log(`baseline: ${JSON.stringify(r.cells)}`);
    }

    const r = row('compacted (this release)');
    let t = performance.now();
    const manifest = reuseCompaction ? (await readManifest(dataDir)).manifest : await compactStaging({ dataDir });
    if (!reuseCompaction) r.cells.compact = fmt(since(t));
    console.log(
      `compact: ${reuseCompaction ? 'reused' : fmt(since(t))}  ${manifest?.messages} messages, ${manifest?.partitions} partitions, ${manifest?.fields} fields rows` +
        (manifest === undefined
          ? ''
          : ` (catalog ${fmt(manifest.durationsMs.catalog)}, fields ${fmt(manifest.durationsMs.fields)}, staging ${fmt(manifest.durationsMs.staging)})`),
    );
    const probe2 = await QueryEngine.open({ dataDir });
    let pid3: string;
    try {
      pid3 = String(
        (await probe2.query("SELECT value FROM fields WHERE segment = 'PID' AND field = 3 AND component = 1 ORDER BY message_id, rep LIMIT 1")).rows[0]![0],
      );
    } finally {
      probe2.close();
    }
    const fieldsSql = `SELECT count(DISTINCT message_id) FROM fields WHERE segment = 'PID' AND field = 3 AND component = 1 AND value = '${pid3.replace(/'/g, "''")}'`;
    const m = await medians(runs, async () => {
      const t0 = performance.now();
      let t = performance.now();
      const engine = await QueryEngine.open({ dataDir });
      try {
        const open = since(t);
        t = performance.now();
        await engine.ensureStaging();
        const view = since(t);
        t = performance.now();
        check('compacted', (await engine.query(GROUP_BY_TYPE)).rows);
        const group = since(t);
        const total = since(t0);
        t = performance.now();
        await engine.query(byControl('msh.message_control_id'));
        const control = since(t);
        t = performance.now();
        await engine.query(fieldsSql);
        return { open, view, group, control, fields: since(t), total };
      } finally {
        engine.close();
      }
    });
    Object.assign(r.cells, {
      open: fmt(m.open!),
      'define staging': fmt(m.view!),
      'GROUP BY type': fmt(m.group!),
      'msh.message_control_id =': fmt(m.control!),
      'fields lookup': fmt(m.fields!),
      'in process': fmt(m.total!),
    });

    const cli: Record<string, number> = {};
    if (!skip.has('cli')) {
      const bundle = await bundleCli();
      try {
        const args = ['query', '--data-dir', dataDir, '--format', 'csv', GROUP_BY_TYPE];
        for (const kind of ['tsx', 'bundle'] as const) {
          const times: number[] = [];
          const floor: number[] = [];
          for (let i = 0; i < runs; i++) {
            const out = runCli(kind, bundle, args);
            if (!out.stdout.startsWith('type,messages')) throw new Error(`hcdl query (${kind}) printed ${out.stdout.slice(0, 40)}`);
            times.push(out.ms);
            floor.push(runCli(kind, bundle, ['query', '--help']).ms);
          }
          cli[kind] = median(times);
          cli[`${kind} --help`] = median(floor);
        }
      } finally {
        await removeBundle();
      }
      r.cells['hcdl query (tsx)'] = fmt(cli.tsx!);
      r.cells['hcdl query (bundle)'] = fmt(cli.bundle!);
    }

    const columns = [
      'compact',
      'open',
      'define staging',
      'GROUP BY type',
      'msh.message_control_id =',
      'fields lookup',
      'in process',
      'hcdl query (tsx)',
      'hcdl query (bundle)',
    ];
    print(`${count.toLocaleString('en-US')} messages`, columns, table);
    console.log(
      '\nopen: the catalog (copy, or snapshot + changes); in process: open + define staging + GROUP BY type + close;\nhcdl query: a new process each run (node start, the CLI, the engine, the query).',
    );
    if (!skip.has('cli')) console.log(`process floor (hcdl query --help): tsx ${fmt(cli['tsx --help']!)}, bundle ${fmt(cli['bundle --help']!)}`);
    if (count >= 100_000) {
      const e2e = skip.has('cli') ? m.total! : cli.bundle!;
      console.log(
        `target: hcdl query on a compacted 100,000-message lake < 1 s including opening the engine: ${e2e < 1000 ? 'met' : 'NOT met'} (${fmt(e2e)}${skip.has('cli') ? ', in process' : ', bundled CLI process'})`,
      );
    } else console.log('(the < 1 s target is for 100,000 messages: run without --count)');
  } finally {
    if (!values.keep && values['data-dir'] === undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
