/**
 * splitMessages works on line offsets (one scan, one slice per message); the reference
 * (./split-reference.ts) is the same rules over one string per line. They must agree on
 * everything a file can hold: every corpus file, and random files of MSH lines with any
 * separator, segments, envelope segments (inside and outside messages), text that is not a
 * segment, blank lines, MLLP framing bytes and every terminator. readHeader, which now stops
 * reading at the first MSH line, must still give what the full parse gives.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Hl7FatalError, parseMessage, readHeader, splitMessages } from '../../src/index';
import { CORPUS_DIR, corpusMessageRows } from '../../../../test/fixtures/corpus-manifest';
import { referenceSplit } from './split-reference';

type Fatal = { fatal: string; diagnostics: unknown };

/** What a reading of the input gives, or the fatal error it throws as data (code and diagnostics). */
function orFatal<T>(read: () => T): T | Fatal {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof Hl7FatalError)) throw err;
    return { fatal: err.code, diagnostics: err.diagnostics };
  }
}

const outcome = (split: (input: string | Uint8Array) => ReturnType<typeof splitMessages>, input: string | Uint8Array) => orFatal(() => split(input));
const header = (input: string | Uint8Array): unknown => orFatal(() => readHeader(input));
const parsedHeader = (input: string | Uint8Array): unknown => orFatal(() => parseMessage(input).header);

const lineArb = fc.oneof(
  fc.constantFrom('MSH|^~\\&|APP|FAC|LAB|HOSP|20240101||ADT^A01|C1|P|2.5', 'MSH#^~\\&#A#B', 'MSH|', 'MSH', 'MSHX|a', 'MSH1|^~\\&'),
  fc.constantFrom('PID|1||123^^^H^MR', 'PV1|1|I', 'OBX|1|TX|A||x~y', 'NTE#1', 'ZZ1|a', 'Z1|a', 'pid|1', 'EVN'),
  fc.constantFrom('FHS|^~\\&|A', 'BHS|^~\\&', 'BTS|3', 'FTS|1', 'FHS', 'BHS#x', 'BTSX'),
  fc.constantFrom('', ' ', '\t \t', 'free text', '\u000b', '\u001c', '\ufeff', 'MSH|^~\\&|é|ü'),
  fc.string({ maxLength: 12 }),
);
const framedArb = fc.tuple(fc.constantFrom('', '\u000b', '\ufeff'), lineArb, fc.constantFrom('', '\u001c', '\u001c\u001c')).map(([a, l, b]) => `${a}${l}${b}`);
const fileArb = fc
  .tuple(fc.array(fc.tuple(framedArb, fc.constantFrom('\r', '\n', '\r\n', '\r\r', '\n\r')), { maxLength: 14 }), fc.boolean())
  .map(([lines, last]) => {
    const text = lines.map(([l, eol]) => l + eol).join('');
    return last ? text : text.replace(/[\r\n]+$/, '');
  });

describe('splitMessages on line offsets agrees with the per-line reference', () => {
  it('on every corpus file, as bytes', () => {
    const files = [...new Set(corpusMessageRows().map((r) => r.path))];
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) {
      const bytes = readFileSync(join(CORPUS_DIR, f));
      expect({ f, split: outcome(splitMessages, bytes) }).toEqual({ f, split: outcome(referenceSplit, bytes) });
    }
  });

  it('on random files of segments, envelopes, text, blank lines, framing bytes and any terminators', () => {
    fc.assert(
      fc.property(fileArb, fc.boolean(), (text, asBytes) => {
        const input = asBytes ? new TextEncoder().encode(text) : text;
        expect(outcome(splitMessages, input)).toEqual(outcome(referenceSplit, input));
      }),
      { numRuns: 3000 },
    );
  });

  it('readHeader (reading up to the first MSH line) gives the full parse header on the same files', () => {
    fc.assert(
      fc.property(fileArb, (text) => {
        expect(header(text)).toEqual(parsedHeader(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('past the cap of kept diagnostics: thousands of lines outside any message, segments and text', () => {
    const lines = Array.from({ length: 6000 }, (_, i) => (i % 3 === 0 ? 'free text' : `PID|${i}`));
    const file = `${lines.join('\r')}\rMSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5\rPID|1\r${lines.join('\n')}`;
    const split = outcome(splitMessages, file);
    expect(split).toEqual(outcome(referenceSplit, file));
    expect('diagnostics' in split && JSON.stringify(split.diagnostics)).toContain('SEGMENT_OUTSIDE_MESSAGE');
  });

  it('a message of a million short segments is one chunk equal to the normalized input', () => {
    const body = `MSH|^~\\&|A|B|C|D|20240101||ORU^R01|C1|P|2.5\r${'NTE|1\r'.repeat(1_000_000)}`;
    const split = splitMessages(body);
    expect(split.messages).toHaveLength(1);
    expect(split.messages[0]?.text).toBe(body);
    expect(split.messages[0]?.text).toBe(referenceSplit(body).messages[0]?.text);
  });
});
