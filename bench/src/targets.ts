/** The issue's speed and memory targets, checked against one benchmark run. */
import type { ChildResult } from './child';
import type { MemoryResult } from './memory-child';
import type { Runner } from './runners/types';

export interface Row {
  runner: Runner;
  result: ChildResult;
}

export interface TargetCheck {
  name: string;
  status: 'PASS' | 'FAIL' | 'N/A';
  detail: string;
}

/** Messages per CPU second of the child (see Measurement.cpuSeconds). */
export function cpuRate(result: ChildResult): number | undefined {
  if (!result.ok || result.messages === undefined || result.cpuSeconds === undefined || result.cpuSeconds <= 0) return undefined;
  return result.messages / result.cpuSeconds;
}

export function rate(result: ChildResult): number | undefined {
  if (!result.ok || result.messages === undefined || result.seconds === undefined || result.seconds <= 0) return undefined;
  return result.messages / result.seconds;
}

/** The fastest peer that ran, with its rate. */
export function fastestPeer(rows: readonly Row[]): { row: Row; rate: number } | undefined {
  let best: { row: Row; rate: number } | undefined;
  for (const row of rows) {
    const r = rate(row.result);
    if (row.runner.kind === 'peer' && r !== undefined && (best === undefined || r > best.rate)) best = { row, rate: r };
  }
  return best;
}

function rateOf(rows: readonly Row[], kind: Row['runner']['kind']): number | undefined {
  const row = rows.find((r) => r.runner.kind === kind);
  return row === undefined ? undefined : rate(row.result);
}

function check(name: string, value: number | undefined, ok: (v: number) => boolean, detail: (v: number) => string, missing: string): TargetCheck {
  if (value === undefined) return { name, status: 'N/A', detail: missing };
  return { name, status: ok(value) ? 'PASS' : 'FAIL', detail: detail(value) };
}

/** The same ratio per CPU second (medians of the rounds): what a busy machine moves less. */
function perCpu(a: Row | undefined, b: Row | undefined): string {
  const median = (xs: readonly number[] | undefined): number | undefined =>
    xs === undefined || xs.length === 0 ? undefined : [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
  const ra = median(a?.result.cpuRounds);
  const rb = median(b?.result.cpuRounds);
  if (ra === undefined || rb === undefined || rb === 0) return '';
  const rounds = (a?.result.cpuRounds ?? []).map((x, i) => x / ((b?.result.cpuRounds ?? [])[i] ?? Number.NaN)).filter((r) => Number.isFinite(r));
  return `; per CPU second ${(ra / rb).toFixed(2)}x (${Math.round(ra).toLocaleString('en-US')} vs ${Math.round(rb).toLocaleString('en-US')} msgs/cpu-s; per round ${rounds.map((r) => `${r.toFixed(2)}x`).join(', ')})`;
}

/** a/b for each round both ran (rounds are interleaved, so each pair ran close in time). */
function perRound(a: Row | undefined, b: Row | undefined, format: (r: number) => string): string {
  const ra = a?.result.rounds;
  const rb = b?.result.rounds;
  if (ra === undefined || rb === undefined || ra.length < 2 || ra.length !== rb.length) return '';
  const ratios = ra.map((x, i) => (rb[i] ? x / (rb[i] as number) : 0)).filter((r) => r > 0);
  return ratios.length === 0 ? '' : `; per round ${ratios.map(format).join(', ')}`;
}

export function evaluateTargets(rows: readonly Row[], memory: { inputBytes: number; results: readonly MemoryResult[] } | undefined): TargetCheck[] {
  const ours = rateOf(rows, 'ours');
  const staging = rateOf(rows, 'staging');
  const step = rateOf(rows, 'staging-step');
  const stepRow = rows.find((r) => r.runner.kind === 'staging-step');
  const simple = rows.find((r) => r.runner.id === 'simple-hl7');
  const simpleRate = simple === undefined ? undefined : rate(simple.result);
  const reference = rateOf(rows, 'reference');
  const peer = fastestPeer(rows);
  const oursRow = rows.find((r) => r.runner.kind === 'ours');
  const refRow = rows.find((r) => r.runner.kind === 'reference');
  const streamed = memory?.results.find((r) => r.mode === 'ours' && r.ok);
  const fmt = (v: number): string => Math.round(v).toLocaleString('en-US');
  return [
    check(
      'full parse >= 4x the fastest npm peer',
      ours !== undefined && peer !== undefined ? ours / peer.rate : undefined,
      (v) => v >= 4,
      (v) =>
        `${v.toFixed(2)}x ${peer?.row.runner.id ?? ''} (${fmt(ours ?? 0)} vs ${fmt(peer?.rate ?? 0)} msgs/s${perRound(oursRow, peer?.row, (r) => `${r.toFixed(2)}x`)})`,
      'ours or every peer did not run',
    ),
    check(
      'full parse >= 40,000 msgs/s',
      ours,
      (v) => v >= 40_000,
      (v) => `${fmt(v)} msgs/s`,
      'ours did not run',
    ),
    check(
      'full parse >= 40% of the scan+slice reference',
      ours !== undefined && reference !== undefined ? ours / reference : undefined,
      (v) => v >= 0.4,
      (v) => `${(v * 100).toFixed(1)}% (${fmt(ours ?? 0)} vs ${fmt(reference ?? 0)} msgs/s${perRound(oursRow, refRow, (r) => `${(r * 100).toFixed(0)}%`)})`,
      'ours or the reference did not run',
    ),
    check(
      'staging JSON >= 15,000 msgs/s',
      staging,
      (v) => v >= 15_000,
      (v) => `${fmt(v)} msgs/s`,
      'staging did not run',
    ),
    check(
      'staging step (bytes -> staging JSON) >= 1.5x simple-hl7 parse + walk',
      step !== undefined && simpleRate !== undefined ? step / simpleRate : undefined,
      (v) => v >= 1.5,
      (v) =>
        `${v.toFixed(2)}x (${fmt(step ?? 0)} vs ${fmt(simpleRate ?? 0)} msgs/s${perRound(stepRow, simple, (r) => `${r.toFixed(2)}x`)})${perCpu(stepRow, simple)}`,
      'the staging step or simple-hl7 did not run',
    ),
    memoryTarget(streamed, memory),
  ];
}

/** The target is about a 100,000-message file; with a smaller one Node's own ~80 MB dominates. */
const MEMORY_TARGET_MESSAGES = 100_000;

function memoryTarget(streamed: MemoryResult | undefined, memory: { inputBytes: number } | undefined): TargetCheck {
  const name = 'streaming peak RSS < 2x input';
  if (memory === undefined) return { name, status: 'N/A', detail: 'memory check skipped (--batch 0)' };
  if (streamed === undefined) return { name, status: 'N/A', detail: 'our streaming run failed' };
  const ratio = streamed.peakRss / memory.inputBytes;
  const detail = `${ratio.toFixed(2)}x (${Math.round(streamed.peakRss / 2 ** 20)} MB peak for ${Math.round(memory.inputBytes / 2 ** 20)} MB input)`;
  if (streamed.messages < MEMORY_TARGET_MESSAGES) {
    return { name, status: 'N/A', detail: `${detail}; the target needs --batch ${MEMORY_TARGET_MESSAGES} (Node alone takes ~80 MB)` };
  }
  return { name, status: ratio < 2 ? 'PASS' : 'FAIL', detail };
}
