/** Command-line options of the benchmark (`pnpm --filter @hcdl/bench bench -- --help`). */
export interface BenchOptions {
  /** Distinct generated messages cycled through during the timed loop. */
  messages: number;
  /** Seconds of timed parsing per runner (after the warm-up). */
  duration: number;
  /** Seconds of warm-up per runner. */
  warmup: number;
  /** Messages in the streaming memory batch file (0 skips the memory check). */
  batch: number;
  seed: number;
  /** Runner ids to run (empty: all). */
  only: string[];
  /**
   * Rounds of every selected runner, interleaved (runner A, B, C, then A, B, C again); each
   * runner's median round is reported, so a burst of load elsewhere on the machine moves
   * one round, not the result.
   */
  rounds: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  messages: 2000,
  duration: 3,
  warmup: 1,
  batch: 100_000,
  seed: 20240601,
  only: [],
  rounds: 3,
};

export const USAGE = `Usage: pnpm --filter @hcdl/bench bench [-- options]
  --messages N   distinct generated messages cycled in the timed loop (default 2000)
  --duration S   timed seconds per runner (default 3)
  --warmup S     warm-up seconds per runner (default 1)
  --batch N      messages in the streaming memory batch file, 0 to skip (default 100000)
  --seed N       generator seed (default 20240601)
  --only a,b     run only these runners (ids: ours, staging, staging-step, reference, medplum,
                 node-hl7-client, hl7-standard, simple-hl7)
  --rounds N     interleaved rounds of every runner; the median round is reported (default 3)
  --quick        shorthand for --duration 1 --warmup 0.5 --batch 10000 --rounds 1`;

function num(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const o: BenchOptions = { ...DEFAULT_OPTIONS, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string | undefined => argv[++i];
    switch (arg) {
      case '--':
        break;
      case '--help':
      case '-h':
        return 'help';
      case '--messages':
        o.messages = Math.max(1, Math.floor(num(arg, next())));
        break;
      case '--duration':
        o.duration = num(arg, next());
        break;
      case '--warmup':
        o.warmup = num(arg, next());
        break;
      case '--batch':
        o.batch = Math.floor(num(arg, next()));
        break;
      case '--seed':
        o.seed = Math.floor(num(arg, next()));
        break;
      case '--rounds':
        o.rounds = Math.max(1, Math.floor(num(arg, next())));
        break;
      case '--only':
        o.only = (next() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        break;
      case '--quick':
        o.duration = 1;
        o.warmup = 0.5;
        o.batch = 10_000;
        o.rounds = 1;
        break;
      default:
        throw new Error(`unknown option ${arg ?? ''}`);
    }
  }
  return o;
}

/** This script's arguments without the `--` that `pnpm … bench:x -- --opt` passes through (not an argument of ours). */
export function scriptArgs(): string[] {
  return process.argv.slice(2).filter((a) => a !== '--');
}
