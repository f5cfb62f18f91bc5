/**
 * Mutation fuzzing over the corpus, CI-sized: real messages are cut, spliced, and sprinkled
 * with separators, escapes, line breaks, framing bytes and header lines, and slices of them
 * are repeated thousands of times (the inputs that once found quadratic steps within seconds).
 * Every mutated input must end, through every entry point of the staging step, in a result
 * or a typed error (the Hl7Error family), with staging JSON that parses, and within a fixed
 * budget per 100 KB of input: a step gone quadratic blows the budget long before a test
 * timeout.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  Hl7Error,
  iterateMessages,
  normalize,
  parseMessage,
  readHeader,
  serialize,
  splitMessages,
  structureOf,
  toStaging,
  validateMessage,
} from '../../src/index';
import { corpusBytes, corpusMessages } from '../core/support';

/** Milliseconds allowed per 100 KB of input (an input under 100 KB counts as 100 KB). */
const BUDGET_MS_PER_100KB = 5000;
/** Amplified inputs stop growing here. */
const MAX_BYTES = 256 * 1024;

const seeds: Uint8Array[] = corpusMessages().map((r) => corpusBytes(r.path));
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Byte strings that mean something to the parser. */
const TOKENS: readonly number[][] = [
  ...['|', '^', '~', '&', '\\', '"', '\r', '\n', '\r\n', '#'].map(ascii),
  ascii('MSH|^~\\&|'),
  ascii('\rMSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5\r'),
  ascii('\rMSH\r'),
  ascii('\rBHS|^~\\&\r'),
  ascii('\rBTS|1\r'),
  ascii('\rPV1|1|I\r'),
  ascii('\rZZZ|'),
  ascii('\rfree text\r'),
  ascii('\\F\\'),
  ascii('\\E\\'),
  ascii('\\X0D\\'),
  ascii('\\XC3A9\\'),
  ascii('\\.br\\'),
  ascii('\\Q'),
  ascii('""'),
  [0x0b],
  [0x1c],
  [0xef, 0xbb, 0xbf],
  [0xff, 0xfe],
  [0xc3],
  [0x00],
];

type Mutation =
  | { kind: 'insert'; at: number; token: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'lines'; at: number; times: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'splice'; at: number; seed: number; from: number; length: number };

const position = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, token: fc.nat(TOKENS.length - 1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      at: position,
      length: fc.integer({ min: 1, max: 24 }),
      times: fc.oneof(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1000, max: 20_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lines' as const), at: position, times: fc.integer({ min: 100, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.nat(255) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('splice' as const),
      at: position,
      seed: fc.nat(),
      from: position,
      length: fc.integer({ min: 1, max: 400 }),
    }),
  },
);

function apply(input: number[], m: Mutation): number[] {
  const at = Math.floor(m.at * input.length);
  switch (m.kind) {
    case 'insert':
      return [...input.slice(0, at), ...(TOKENS[m.token] as number[]), ...input.slice(at)];
    case 'repeat': {
      const piece = input.slice(at, at + m.length);
      if (piece.length === 0) return input;
      const times = Math.min(m.times, Math.floor((MAX_BYTES - input.length) / Math.max(1, piece.length)));
      const out = input.slice(0, at);
      for (let k = 0; k < times; k++) for (const b of piece) out.push(b);
      for (let k = at; k < input.length; k++) out.push(input[k] as number);
      return out;
    }
    case 'lines': {
      // The line (segment) around `at`, with its terminator, repeated: many segments alike.
      let from = at;
      while (from > 0 && input[from - 1] !== 0x0d && input[from - 1] !== 0x0a) from--;
      let to = at;
      while (to < input.length && input[to] !== 0x0d && input[to] !== 0x0a) to++;
      return apply(input, { kind: 'repeat', at: from / Math.max(1, input.length), length: to + 1 - from, times: m.times });
    }
    case 'delete':
      return [...input.slice(0, at), ...input.slice(at + m.length)];
    case 'byte': {
      const out = input.slice();
      if (at < out.length) out[at] = m.value;
      return out;
    }
    case 'splice': {
      const other = seeds[m.seed % seeds.length] as Uint8Array;
      const from = Math.floor(m.from * other.length);
      return [...input.slice(0, at), ...other.subarray(from, from + m.length), ...input.slice(at)];
    }
  }
}

/** Runs f; anything thrown must be of the Hl7Error family. */
function typed<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof Hl7Error) return undefined;
    throw new Error(`threw a foreign error: ${String(e)}`, { cause: e });
  }
}

/** Every entry point of the staging step on one input. */
function pipeline(bytes: Uint8Array): void {
  typed(() => readHeader(bytes));
  typed(() => normalize(bytes));
  typed(() => splitMessages(bytes));
  const m = typed(() => parseMessage(bytes));
  if (m !== undefined) serialize(m);
  typed(() => {
    for (const message of iterateMessages(bytes)) {
      if (message instanceof Hl7Error) continue;
      const resolution = structureOf(message);
      const diagnostics = validateMessage(message, resolution);
      const out = toStaging(message, { resolution, diagnostics });
      expect(typeof JSON.parse(out.text)).toBe('object');
    }
  });
}

describe('mutation fuzzing over the corpus', () => {
  it('has seeds', () => {
    expect(seeds.length).toBeGreaterThan(400);
  });

  it('every mutated message ends in a result or a typed error, within the time budget', () => {
    let largest = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, mutations) => {
        let input = Array.from(seeds[seed % seeds.length] as Uint8Array);
        for (const m of mutations) input = apply(input, m);
        const bytes = Uint8Array.from(input);
        largest = Math.max(largest, bytes.length);
        runs++;
        const t0 = performance.now();
        pipeline(bytes);
        const elapsed = performance.now() - t0;
        expect(elapsed).toBeLessThanOrEqual(BUDGET_MS_PER_100KB * Math.max(1, bytes.length / 100_000));
      }),
      // No shrinking: each step would run a large input again; the seed and path are printed.
      // CI-sized: 40 inputs (about 7 s on a quiet 2-core machine).
      { numRuns: 40, endOnFailure: true },
    );
    // Every input ran, and the amplifying mutations did make large ones.
    expect(runs).toBe(40);
    expect(largest).toBeGreaterThan(20_000);
  }, 300_000);
});
