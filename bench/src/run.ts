/**
 * Benchmark entry (`pnpm --filter @hcdl/bench bench`): runs every runner in its own child
 * process on the same generated messages, then the streaming memory check, and prints
 * msgs/s, MB/s, peak RSS, the ratios and PASS/FAIL for the targets.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureBatchFile } from './batch-file';
import type { ChildResult } from './child';
import type { MemoryResult } from './memory-child';
import { generateMessages } from './generator';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { RUNNERS } from './runners/index';
import { cpuRate, evaluateTargets, rate, type Row } from './targets';
import { formatMarkdown } from './markdown';
import { formatTable, mb } from './report';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const MEMORY_CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

/** Runs a TS entry in a fresh Node process (through tsx) and returns its RESULT line. */
function runChild<T>(entry: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line === undefined) {
        reject(new Error(`child exited with ${code ?? 'signal'}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}

/** The round with the median rate (its own figures stay coherent); peak RSS is the highest seen. */
function medianRound(id: string, results: readonly ChildResult[]): ChildResult {
  const ok = results.filter((r) => rate(r) !== undefined).sort((a, b) => (rate(a) ?? 0) - (rate(b) ?? 0));
  const peakRss = Math.max(0, ...results.map((r) => r.peakRss));
  const median = ok[Math.floor((ok.length - 1) / 2)];
  if (median === undefined) return results[0] ?? { id, ok: false, reason: 'not run', baselineRss: 0, peakRss };
  return { ...median, peakRss, rounds: results.map((r) => Math.round(rate(r) ?? 0)), cpuRounds: results.map((r) => Math.round(cpuRate(r) ?? 0)) };
}

async function runThroughput(options: BenchOptions): Promise<Row[]> {
  const selected = RUNNERS.filter((r) => options.only.length === 0 || options.only.includes(r.id));
  const results = new Map<string, ChildResult[]>(selected.map((r) => [r.id, []]));
  for (let round = 1; round <= options.rounds; round++) {
    for (const runner of selected) {
      process.stderr.write(`  round ${round}/${options.rounds}: running ${runner.id} ...\n`);
      let result: ChildResult;
      try {
        result = await runChild<ChildResult>(CHILD, [
          runner.id,
          String(options.messages),
          String(options.duration),
          String(options.warmup),
          String(options.seed),
        ]);
      } catch (error) {
        result = { id: runner.id, ok: false, reason: error instanceof Error ? error.message : String(error), baselineRss: 0, peakRss: 0 };
      }
      results.get(runner.id)?.push(result);
    }
  }
  return selected.map((runner) => ({ runner, result: medianRound(runner.id, results.get(runner.id) ?? []) }));
}

async function runMemory(options: BenchOptions): Promise<{ inputBytes: number; results: MemoryResult[] } | undefined> {
  if (options.batch <= 0) return undefined;
  process.stderr.write(`  writing a ${options.batch}-message batch file ...\n`);
  const file = await ensureBatchFile(options.batch, options.seed);
  const results: MemoryResult[] = [];
  for (const mode of ['reference', 'simple-hl7', 'ours']) {
    process.stderr.write(`  streaming it with ${mode} ...\n`);
    try {
      results.push(await runChild<MemoryResult>(MEMORY_CHILD, [mode, file.path]));
    } catch (error) {
      results.push({ mode, ok: false, reason: error instanceof Error ? error.message : String(error), messages: 0, leaves: 0, seconds: 0, peakRss: 0 });
    }
  }
  return { inputBytes: file.bytes, results };
}

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const sample = generateMessages(options.messages, options.seed);
  const totalBytes = sample.reduce((n, m) => n + Buffer.byteLength(m), 0);
  const cpu = cpus();
  console.log('HCDL HL7 v2 parser benchmark');
  console.log(
    `  date ${new Date().toISOString()}, node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  );
  console.log(
    `  ${sample.length} distinct generated messages (seed ${options.seed}), average ${(totalBytes / sample.length / 1024).toFixed(2)} KB; ${options.warmup}s warm-up + ${options.duration}s timed per runner, each runner in its own process, median of ${options.rounds} interleaved round(s)`,
  );
  console.log('');
  const rows = await runThroughput(options);
  const memory = await runMemory(options);
  console.log(formatTable(rows, options.messages));
  if (memory !== undefined) {
    console.log('');
    console.log(`Streaming memory: ${options.batch} messages, input file ${mb(memory.inputBytes)} MB`);
    const labels: Record<string, string> = {
      reference: 'reference (hand-split stream + scan)',
      'simple-hl7': 'simple-hl7 (whole file read, split, parse)',
      ours: '@hcdl/hl7v2 streamMessages',
    };
    for (const r of memory.results) {
      const label = (labels[r.mode] ?? r.mode).padEnd(44);
      if (!r.ok) console.log(`  ${label} could not run: ${r.reason ?? ''}`);
      else
        console.log(
          `  ${label} ${r.messages} messages in ${r.seconds.toFixed(1)}s (${Math.round(r.messages / r.seconds)} msgs/s), peak RSS ${mb(r.peakRss)} MB = ${(r.peakRss / memory.inputBytes).toFixed(2)} x input`,
        );
    }
  }
  console.log('');
  console.log('Targets (issue 3):');
  const targets = evaluateTargets(rows, memory);
  for (const t of targets) console.log(`  ${t.status.padEnd(4)} ${t.name}: ${t.detail}`);
  const env = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown cpu',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    averageKB: totalBytes / sample.length / 1024,
  };
  console.log('');
  console.log('Markdown (for docs/benchmarks.md):');
  console.log('');
  console.log(formatMarkdown(env, options, rows, memory, targets));
  return 0;
}

process.exitCode = await main();
