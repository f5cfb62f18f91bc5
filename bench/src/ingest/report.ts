import type { AdversarialResult } from './adversarial-run';
import type { LoadResult } from './http-load';
import type { MllpResult } from './mllp-load';
import { int, ms } from './stats';

export interface IngestReport {
  environment: string;
  clients: number;
  seconds: number;
  rounds: { bare: LoadResult; lake: LoadResult }[];
  /** The median rounds. */
  bare: LoadResult;
  lake: LoadResult;
  lag: { seconds: number; rate: number; errors: number; messages: number; staged: number; p50: number; p99: number; max: number };
  batch: { status: number; messages: number; seconds: number; stagedSeconds: number };
  mllp: MllpResult[];
  adversarial: AdversarialResult;
  rssPeak: number;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const pass = (ok: boolean): string => (ok ? '**PASS**' : '**FAIL**');

function targets(r: IngestReport): [string, boolean, string][] {
  const ratio = r.lake.rate / r.bare.rate;
  const ratios = r.rounds.map((x) => `${(x.lake.rate / x.bare.rate).toFixed(2)}x`).join(', ');
  const mllp8 = r.mllp.find((m) => m.connections === 8 && m.window > 1);
  const adv = r.adversarial;
  return [
    ['HTTP ingest, 64 clients >= 3,000 msg/s', r.lake.rate >= 3000, `${int(r.lake.rate)} msg/s`],
    ['HTTP ingest p99 < 50 ms', r.lake.p99 < 50, `${ms(r.lake.p99)} ms`],
    ['HTTP ingest: 0 errors', r.lake.errors === 0, `${r.lake.errors} errors`],
    [
      'HTTP ingest >= 1.0x the bare append+fdatasync server, same run',
      ratio >= 1,
      `${ratio.toFixed(2)}x (${int(r.lake.rate)} vs ${int(r.bare.rate)} msg/s; per round ${ratios})`,
    ],
    [
      'staged p99 < 2 s after the 201 at 1,000 msg/s sustained',
      r.lag.p99 < 2000 && r.lag.rate >= 950,
      `p99 ${ms(r.lag.p99)} ms at ${int(r.lag.rate)} msg/s (${r.lag.staged} of ${r.lag.messages} staged)`,
    ],
    ['5,000-message batch answered < 5 s', r.batch.status === 201 && r.batch.messages === 5000 && r.batch.seconds < 5, `${r.batch.seconds.toFixed(2)} s`],
    [
      'MLLP >= 2,000 msg/s over 8 connections',
      (mllp8?.rate ?? 0) >= 2000,
      `${int(mllp8?.rate ?? 0)} msg/s (${mllp8?.window ?? '-'} frames in flight per connection)`,
    ],
    [
      'while a 10 MB adversarial message stages: /health and other posts p99 < 100 ms',
      adv.staging.health.p99 < 100 && adv.staging.others.p99 < 100,
      `/health p99 ${ms(adv.staging.health.p99)} ms, posts p99 ${ms(adv.staging.others.p99)} ms (before the POST: ${ms(adv.calm.health.p99)} / ${ms(adv.calm.others.p99)} ms)`,
    ],
    ['... and RSS < 1 GB', adv.peakRss < 1024 ** 3, `peak ${mb(adv.peakRss)}`],
  ];
}

export function printReport(r: IngestReport): void {
  const lines: string[] = [];
  const out = (s = ''): void => void lines.push(s);
  out(`Run: ${r.environment}; ${r.clients} clients, ${r.rounds.length} interleaved round(s) of ${r.seconds} s per server (median round shown).`);
  out();
  out('| server | msg/s | p50 ms | p99 ms | errors | vs bare | rounds (msg/s) |');
  out('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const row = (name: string, x: LoadResult, rounds: LoadResult[]): void =>
    out(
      `| ${name} | ${int(x.rate)} | ${ms(x.p50)} | ${ms(x.p99)} | ${x.errors} | ${(x.rate / r.bare.rate).toFixed(2)}x | ${rounds.map((y) => int(y.rate)).join(', ')} |`,
    );
  row(
    'bare append + fdatasync per request',
    r.bare,
    r.rounds.map((x) => x.bare),
  );
  row(
    'HCDL lake (`hcdl serve`)',
    r.lake,
    r.rounds.map((x) => x.lake),
  );
  out();
  out('| lake, other loads | result |');
  out('| --- | --- |');
  out(
    `| staging lag (201 → staged), ${r.lag.seconds} s at 1,000 msg/s | ${int(r.lag.rate)} msg/s sent, ${r.lag.errors} errors; ${r.lag.staged} of ${r.lag.messages} staged; lag p50 ${ms(r.lag.p50)} ms, p99 ${ms(r.lag.p99)} ms, max ${ms(r.lag.max)} ms |`,
  );
  out(
    `| one batch file of 5,000 messages | ${r.batch.status}, ${r.batch.messages} ingested in ${r.batch.seconds.toFixed(2)} s (${int(r.batch.messages / r.batch.seconds)} msg/s); all staged ${r.batch.stagedSeconds.toFixed(1)} s after the POST |`,
  );
  for (const m of r.mllp) {
    out(
      `| MLLP, ${m.connections} connection(s), ${m.window === 1 ? 'each frame waits for its ACK' : `${m.window} frames in flight per connection`} | ${int(m.rate)} msg/s, ACK p50 ${ms(m.p50)} ms, p99 ${ms(m.p99)} ms, ${m.errors} errors |`,
    );
  }
  const a = r.adversarial;
  out(
    `| 10 MB adversarial message (${int(a.bytes)} bytes of \`^\` in OBX-5) | answered ${a.status} in ${ms(a.answerMs)} ms; ${a.outcome} ${(a.outcomeMs / 1000).toFixed(1)} s after the POST |`,
  );
  for (const [name, w] of [
    ["before the POST (the machine's own pace)", a.calm],
    ['during the POST (to its 201)', a.accepting],
    ['while it stages (201 to outcome)', a.staging],
  ] as const) {
    out(
      `| ... ${name}, ${w.seconds.toFixed(1)} s: GET /health one at a time; normal POSTs, 8 clients | /health ${w.health.n} answers, p50 ${ms(w.health.p50)} ms, p99 ${ms(w.health.p99)} ms, max ${ms(w.health.max)} ms; posts ${w.others.n} answers, ${w.others.errors} errors, p50 ${ms(w.others.p50)} ms, p99 ${ms(w.others.p99)} ms |`,
    );
  }
  out(`| ... lake RSS | peak ${mb(a.peakRss)} (whole run: ${mb(r.rssPeak)}) |`);
  out();
  out('| target (issue 12) | result | measured |');
  out('| --- | --- | --- |');
  for (const [name, ok, measured] of targets(r)) out(`| ${name} | ${pass(ok)} | ${measured} |`);
  console.log(`\n${lines.join('\n')}`);
}
