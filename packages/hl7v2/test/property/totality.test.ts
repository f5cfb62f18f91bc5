/**
 * Property: arbitrary bytes and strings never make the package throw anything but its own
 * typed error (Hl7Error and subclasses, checked with instanceof); input holding an MSH
 * segment with a usable field separator always parses (the parser is total there) and the
 * whole pipeline (staging JSON, validation, grouping, ACK) runs on the result.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  buildAck,
  groupMessage,
  Hl7Error,
  iterateMessages,
  normalize,
  parseMessage,
  readHeader,
  serialize,
  splitMessages,
  toStagingJsonText,
  validateMessage,
  type Message,
} from '../../src/index';
import { SEPARATOR_POOL } from './arbitraries';
import { referenceStagingText } from '../schema/reference';

const RUNS = { numRuns: 250 };

/** Runs f; anything thrown must be an Hl7Error. Returns the result or undefined. */
function onlyHl7Error<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof Hl7Error)) throw new Error(`threw a foreign error: ${String(e)}`, { cause: e });
    expect(typeof e.code).toBe('string');
    return undefined;
  }
}

/** Everything a caller can do with a parsed message. */
function exercise(m: Message): void {
  serialize(m);
  expect(toStagingJsonText(m)).toBe(referenceStagingText(m));
  validateMessage(m);
  groupMessage(m);
  const ack = buildAck(m, { code: 'AE', diagnostics: m.diagnostics });
  expect(parseMessage(ack).get('MSA-1')).toBe('AE');
}

/** Text made of HL7-ish pieces: separators, segment ids, escapes, line breaks, framing bytes. */
const hl7ish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'MSH',
        'PID',
        'OBX',
        'ZZ1',
        'FHS',
        'BHS',
        'BTS',
        'FTS',
        'msh',
        '\\X',
        '\\XE9\\',
        '\\.br\\',
        '\\H\\',
        '""',
        '2.5',
        '8859/1',
        'UNICODE UTF-8',
      ),
      fc.constantFrom(...SEPARATOR_POOL, '\r', '\n', '\r\n', '\u000b', '\u001c', '\ufeff', ' ', '\t', '\u0000'),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 60 },
  )
  .map((a) => a.join(''));

const usableFieldSeparator = fc.constantFrom(...SEPARATOR_POOL, '\u00a7', '\u00e9', '\u2016');

describe('arbitrary input', () => {
  it('strings: only Hl7Error is ever thrown, by any entry point', () => {
    fc.assert(
      fc.property(fc.oneof(hl7ish, fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
        const m = onlyHl7Error(() => parseMessage(s));
        if (m !== undefined) exercise(m);
        onlyHl7Error(() => parseMessage(s, { strict: true }));
        onlyHl7Error(() => splitMessages(s));
        onlyHl7Error(() => readHeader(s));
        onlyHl7Error(() => normalize(s));
        onlyHl7Error(() => [...iterateMessages(s)]);
      }),
      RUNS,
    );
  });

  it('bytes: only Hl7Error is ever thrown', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      hl7ish.map((s) => new TextEncoder().encode(s)),
      fc.tuple(hl7ish, fc.uint8Array({ maxLength: 40 })).map(([s, b]) => Uint8Array.from([...new TextEncoder().encode(`MSH|^~\\&|${s}`), ...b])),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const m = onlyHl7Error(() => parseMessage(b));
        if (m !== undefined) exercise(m);
        onlyHl7Error(() => splitMessages(b));
        onlyHl7Error(() => readHeader(b));
        onlyHl7Error(() => normalize(b));
        onlyHl7Error(() => [...iterateMessages(b)]);
      }),
      RUNS,
    );
  });
});

describe('input with an MSH segment', () => {
  const withMsh = fc.tuple(usableFieldSeparator, hl7ish).map(([fs, rest]) => `MSH${fs}${rest}`);

  it('always parses, never throws, and the pipeline runs on it', () => {
    fc.assert(
      fc.property(withMsh, fc.boolean(), (text, asBytes) => {
        const m = parseMessage(asBytes ? new TextEncoder().encode(text) : text);
        expect(m.segments[0]?.id).toBe('MSH');
        exercise(m);
      }),
      RUNS,
    );
  });

  it('a single message round-trips to its normalization, whatever it holds', () => {
    fc.assert(
      fc.property(withMsh, (text) => {
        const m = parseMessage(text);
        // Lines outside the first message are reported and not part of it.
        fc.pre(!m.diagnostics.some((d) => d.code === 'MULTIPLE_MESSAGES' || d.code === 'DATA_BEFORE_MSH'));
        expect(serialize(m)).toBe(normalize(text));
      }),
      RUNS,
    );
  });

  it('parsing what serialize wrote gives the same tree and the same text (idempotent)', () => {
    fc.assert(
      fc.property(withMsh, (text) => {
        const m = parseMessage(text);
        const again = parseMessage(serialize(m));
        expect(again.segments.map((s) => [s.id, s.fields])).toEqual(m.segments.map((s) => [s.id, s.fields]));
        expect(again.extraLines.map((l) => l.text)).toEqual(m.extraLines.map((l) => l.text));
        expect(serialize(again)).toBe(serialize(m));
      }),
      RUNS,
    );
  });

  it('every diagnostic has a code, a severity, a location and a 1-based line and column', () => {
    fc.assert(
      fc.property(withMsh, (text) => {
        const m = parseMessage(text);
        for (const d of validateMessage(m)) {
          expect(d.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(['error', 'warning']).toContain(d.severity);
          expect(d.location).toMatch(/^(line \d+|[A-Z][A-Z0-9]{2}\[\d+\](-\d+(\[\d+\])?(\.\d+){0,2})?)$/);
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });
});
