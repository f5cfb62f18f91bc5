/**
 * decodeInput decodes valid UTF-8 that names UTF-8 (nearly all traffic) in one step, reading
 * MSH-18 from the decoded text instead of a latin-1 probe of the bytes. It must give exactly
 * what the probe gives (decodeProbing): the text, the character set and the diagnostics, for
 * any bytes: every MSH-18 name, names with non-ASCII characters, BOMs (leading and inside),
 * lines before the MSH, bytes that are not UTF-8, and an MSH line longer than the probe.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeProbing } from '../../src/decode-probe';
import { decodeInput } from '../../src/index';
import { concatBytes, latin1, utf8 } from './support';

const names = fc.constantFrom('', 'UNICODE UTF-8', 'UTF-8', 'ASCII', '8859/1', '8859/15', 'ISO_IR 100', 'KOI8', 'UTF\u00e9', 'Zo\u00eb\u{1f600}');
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '|', '^', '\r', '\n', '\u000b', '\u00e9', '\u20ac', '\ufeff', '\u{1f600}', 'MSH'), maxLength: 30 });

const message = fc.record({
  before: text,
  name: names,
  body: text,
  bom: fc.boolean(),
  encoding: fc.constantFrom('utf-8', 'latin-1'),
});

function bytesOf(m: { before: string; name: string; body: string; bom: boolean; encoding: string }): Uint8Array {
  const s = `${m.before}MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5|||||${m.name}\r${m.body}`;
  const encoded = m.encoding === 'utf-8' ? utf8(s) : latin1([...s].filter((c) => c.charCodeAt(0) <= 0xff).join(''));
  return m.bom ? concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), encoded) : encoded;
}

describe('decodeInput: the UTF-8 shortcut', () => {
  it('gives what the latin-1 probe gives, for messages of every character set', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = bytesOf(m);
        expect(decodeInput(bytes)).toEqual(decodeProbing(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives what the latin-1 probe gives, for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 40 }), (junk, tail) => {
        const bytes = concatBytes(junk, utf8('\rMSH|^~\\&|||||||||||||||UTF-8\r'), tail);
        expect(decodeInput(bytes)).toEqual(decodeProbing(bytes));
        expect(decodeInput(junk)).toEqual(decodeProbing(junk));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the probe on bytes that start with a UTF-16 or UTF-32 byte order mark', () => {
    // fast-check found [FF FE] + an MSH line: decodeInput read it as UTF-16LE, the probe as latin-1.
    for (const bom of [
      [0xff, 0xfe],
      [0xfe, 0xff],
      [0xff, 0xfe, 0, 0],
      [0, 0, 0xfe, 0xff],
    ]) {
      for (const rest of [new Uint8Array(0), utf8('\rMSH|^~\\&|||||||||||||||UTF-8\r')]) {
        const bytes = concatBytes(new Uint8Array(bom), rest);
        expect(decodeInput(bytes)).toEqual(decodeProbing(bytes));
        expect(decodeInput(bytes).charset).not.toBe('utf-8');
      }
    }
  });

  it('takes the probe when the MSH line is longer than the probe reaches (64 KB)', () => {
    const long = utf8(`MSH|^~\\&|${'x'.repeat(70_000)}|||||||||||||||8859/1\r`);
    expect(decodeInput(long)).toEqual(decodeProbing(long));
    expect(decodeInput(long).charset).toBe('utf-8');
  });
});
