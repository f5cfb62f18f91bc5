/**
 * The results as markdown, printed at the end of every run so that a run on a quiet machine
 * can be pasted into docs/benchmarks.md as it is.
 */
import type { MemoryResult } from './memory-child';
import type { BenchOptions } from './options';
import { mb } from './report';
import { fastestPeer, rate, type Row, type TargetCheck } from './targets';

export interface RunEnvironment {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  averageKB: number;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatMarkdown(
  env: RunEnvironment,
  options: BenchOptions,
  rows: readonly Row[],
  memory: { inputBytes: number; results: readonly MemoryResult[] } | undefined,
  targets: readonly TargetCheck[],
): string {
  const peer = fastestPeer(rows);
  const reference = rows.find((r) => r.runner.kind === 'reference');
  const refRate = reference === undefined ? undefined : rate(reference.result);
  const out: string[] = [];
  out.push(
    `Run of ${env.date.slice(0, 10)}: Node ${env.node}, ${env.cpus} x ${env.cpuModel}, ${env.memoryGiB} GiB; ${options.messages} generated messages (seed ${options.seed}, ${env.averageKB.toFixed(2)} KB on average); ${options.warmup} s warm-up + ${options.duration} s timed per runner, median of ${options.rounds} interleaved round(s).`,
  );
  out.push('');
  out.push('| runner | msgs/s | MB/s | peak RSS | leaves/msg | vs fastest peer | vs reference | rounds (msgs/s) |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const { runner, result } of rows) {
    const r = rate(result);
    if (r === undefined) {
      out.push(`| ${runner.label} | could not run: ${(result.reason ?? 'unknown').replace(/\|/g, '/')} | | | | | | |`);
      continue;
    }
    const mbs = (result.bytes ?? 0) / (result.seconds ?? 1) / 1e6;
    const leaves = (result.leavesPerPass ?? 0) / Math.max(1, options.messages);
    const vsPeer = peer === undefined ? '-' : `${(r / peer.rate).toFixed(2)}x`;
    const vsRef = refRate === undefined ? '-' : `${((r / refRate) * 100).toFixed(1)} %`;
    out.push(
      `| ${runner.label} | ${int(r)} | ${mbs.toFixed(1)} | ${mb(result.peakRss)} MB | ${leaves.toFixed(0)} | ${vsPeer} | ${vsRef} | ${(result.rounds ?? [Math.round(r)]).map(int).join(', ')} |`,
    );
  }
  if (memory !== undefined) {
    out.push('');
    out.push(`Streaming a ${int(memory.results[0]?.messages ?? 0)}-message batch file of ${mb(memory.inputBytes)} MB:`);
    out.push('');
    out.push('| reader | msgs/s | peak RSS | peak RSS / input |');
    out.push('| --- | ---: | ---: | ---: |');
    for (const r of memory.results) {
      if (!r.ok) out.push(`| ${r.mode} | could not run: ${(r.reason ?? '').replace(/\|/g, '/')} | | |`);
      else out.push(`| ${r.mode} | ${int(r.messages / r.seconds)} | ${mb(r.peakRss)} MB | ${(r.peakRss / memory.inputBytes).toFixed(2)}x |`);
    }
  }
  out.push('');
  out.push('| target (issue 3) | result | measured |');
  out.push('| --- | --- | --- |');
  for (const t of targets) out.push(`| ${t.name} | ${t.status === 'PASS' ? '**PASS**' : t.status} | ${t.detail} |`);
  return out.join('\n');
}
