/**
 * The staging step (decode, split, parse, validate, staging JSON) takes time linear in the
 * size of its input, whatever the input holds: for every hostile shape (adversarial.ts) one
 * message of LARGE bytes must cost no more per byte, within FACTOR, than COPIES messages of
 * LARGE / COPIES bytes of the same shape. Both runs keep what they make, so the garbage
 * collector sees the same live data and the comparison is of the algorithms, not of V8's
 * heap sizes. Ratios, not absolute times, so the test holds on a busy machine: a step
 * quadratic in the size of a message would show as ~COPIES (16) times, far above FACTOR.
 * The ladder 10 KB -> 10 MB (one message each, time per byte printed) runs on demand with
 * HCDL_LINEAR_MAX_BYTES=10000000 (figures in docs/benchmarks.md).
 */
import { describe, expect, it } from '@jest/globals';
import { build, SHAPES, stageBytes, streamBytes, type Shape } from './adversarial';

const LARGE = 256 * 1024;
const COPIES = 16;
/** Large/small time per byte allowed: generous, for a machine busy with other work. */
const FACTOR = 4;

/** Time per byte of staging every input of `inputs` in one go, keeping the results; one per run. */
function nsPerByte(inputs: readonly Uint8Array[], runs: number): number[] {
  const out: number[] = [];
  let bytes = 0;
  for (const i of inputs) bytes += i.length;
  for (let r = 0; r < runs; r++) {
    const kept: unknown[] = [];
    const t0 = process.hrtime.bigint();
    for (const input of inputs) kept.push(stageBytes(input));
    const ns = Number(process.hrtime.bigint() - t0);
    expect(kept).toHaveLength(inputs.length);
    out.push(ns / bytes);
  }
  return out;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/**
 * Large/small time per byte, measured in pairs run back to back (small then large), so that
 * both halves of a pair see the same load on the machine; a pair over FACTOR is measured
 * again (three pairs at most) and the best pair counts. A quadratic step is over in every pair.
 */
function ratio(shape: Shape): number {
  const small = build(shape, LARGE / COPIES);
  const copies = Array.from({ length: COPIES }, () => small);
  const large = [build(shape, LARGE)];
  nsPerByte(copies, 1); // warm-up: the JIT and the dictionary
  let best = Number.POSITIVE_INFINITY;
  for (let pair = 0; pair < 3 && best > FACTOR; pair++) {
    const base = nsPerByte(copies, 1)[0] as number;
    best = Math.min(best, (nsPerByte(large, 1)[0] as number) / base);
  }
  return best;
}

describe('linear time on hostile input', () => {
  it.each(SHAPES.map((s) => [s.name, s] as const))(
    '%s',
    (_name, shape) => {
      expect(ratio(shape)).toBeLessThanOrEqual(FACTOR);
    },
    60_000,
  );

  it('streamMessages: one large message in 1 KB chunks costs what it costs in one chunk', async () => {
    const bytes = build(SHAPES[5] as Shape, LARGE);
    const time = async (chunk: number): Promise<number> => {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 2; r++) {
        const t0 = performance.now();
        expect(await streamBytes(bytes, chunk)).toBeGreaterThan(0);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const whole = await time(bytes.length);
    // 256 chunks, each copied at most once: a copy of all pending bytes per chunk would be quadratic.
    expect(await time(1024)).toBeLessThanOrEqual(FACTOR * whole);
  }, 60_000);

  const max = Number(process.env['HCDL_LINEAR_MAX_BYTES'] ?? 0);
  (max > 0 ? it : it.skip)(
    `ladder from 10 KB to HCDL_LINEAR_MAX_BYTES (${max})`,
    () => {
      const sizes: number[] = [];
      for (let s = 10_000; s <= max; s *= 10) sizes.push(s);
      const top = sizes[sizes.length - 1] as number;
      const over: string[] = [];
      for (const shape of SHAPES) {
        // One message of each size: the cost per byte as a caller sees it (V8's heap grows with it).
        const row = sizes.map((size) => Math.min(...nsPerByte([build(shape, size)], size >= 1_000_000 ? 1 : 3)));
        // The largest against ten messages of a tenth of its size, kept: the algorithms alone.
        const tenth = build(shape, top / 10);
        const base = median(
          nsPerByte(
            Array.from({ length: 10 }, () => tenth),
            3,
          ),
        );
        const ratio = (row[row.length - 1] as number) / base;
        process.stdout.write(
          `${shape.name}: ${row.map((ns, i) => `${sizes[i]} B ${ns.toFixed(0)} ns/B`).join(', ')}; ${top} B vs 10 x ${top / 10} B ${ratio.toFixed(2)}x\n`,
        );
        if (ratio > FACTOR) over.push(`${shape.name} ${ratio.toFixed(2)}x`);
      }
      expect(over).toEqual([]);
    },
    3_600_000,
  );
});
