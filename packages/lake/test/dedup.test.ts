import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { normalize, splitMessages } from '@hcdl/hl7v2';
import { contentHash, dedupKey } from '../src/dedup';

const SEGMENTS = [
  'MSH|^~\\&|LAB|Hôpital Élan|HCDL|HCDL|20240229120000||ORU^R01|CTL-1|P|2.5.1',
  'PID|1||123^^^HOSP^MR||Müller^Zoë',
  'OBX|1|NM|GLU^Glucose||5.4|mmol/L',
];
const CANONICAL = `${SEGMENTS.join('\r')}\r`;

/** The same message as a sender may frame it: terminators, BOM, MLLP, blank lines. */
const variants: Record<string, string | Uint8Array> = {
  'CR terminators': SEGMENTS.join('\r'),
  'LF terminators': SEGMENTS.join('\n'),
  'CRLF terminators': SEGMENTS.join('\r\n'),
  'mixed terminators': `${SEGMENTS[0]}\r\n${SEGMENTS[1]}\n${SEGMENTS[2]}\r`,
  'trailing CRLF and blank lines': `${SEGMENTS.join('\r\n')}\r\n\r\n\n`,
  'a UTF-8 BOM': `\uFEFF${SEGMENTS.join('\r')}`,
  'MLLP framing (0x0B ... 0x1C 0x0D)': Buffer.concat([Buffer.from([0x0b]), Buffer.from(SEGMENTS.join('\r'), 'utf8'), Buffer.from([0x1c, 0x0d])]),
  'BOM + MLLP + LF as bytes': Buffer.concat([Buffer.from([0x0b, 0xef, 0xbb, 0xbf]), Buffer.from(SEGMENTS.join('\n'), 'utf8'), Buffer.from([0x1c, 0x0d])]),
};

describe('dedupKey', () => {
  it('is <source>#<sha-256 hex of the normalized text>', () => {
    expect(dedupKey('lab', CANONICAL)).toBe(`lab#${contentHash(CANONICAL)}`);
    expect(contentHash(CANONICAL)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes known input as sha-256', () => {
    expect(contentHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(contentHash(new TextEncoder().encode('abc'))).toBe(contentHash('abc'));
  });

  it.each(Object.keys(variants))('gives the same key for the message with %s', (name) => {
    const normalized = normalize(variants[name] as string | Uint8Array);
    expect(normalized).toBe(CANONICAL);
    expect(dedupKey('lab', normalized)).toBe(dedupKey('lab', CANONICAL));
  });

  it('gives the same key for a message split out of a batch as for the message alone', () => {
    const batch = `BHS|^~\\&|LAB\r${SEGMENTS.join('\r\n')}\r\nMSH|^~\\&|LAB|X|||20240229||ADT^A01|CTL-2|P|2.5\rPID|1||9\rBTS|2\r`;
    const [first] = splitMessages(batch).messages;
    expect(dedupKey('lab', first?.text ?? '')).toBe(dedupKey('lab', normalize(variants['LF terminators'] as string)));
  });

  it('keeps the same message from two sources apart', () => {
    expect(dedupKey('lab', CANONICAL)).not.toBe(dedupKey('ris', CANONICAL));
  });

  it('tells apart messages that differ in content, case or a trailing field separator', () => {
    const keys = [CANONICAL, CANONICAL.replace('CTL-1', 'CTL-2'), CANONICAL.replace('Zoë', 'ZOË'), CANONICAL.replace('mmol/L', 'mmol/L|')].map((t) =>
      dedupKey('lab', t),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives one key per message file of the corpus whatever its terminators (CRLF rewrite)', () => {
    const file = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus/FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7');
    const bytes = readFileSync(file);
    const crlf = Buffer.from(bytes.toString('latin1').replace(/\r?\n|\r/g, '\r\n'), 'latin1');
    expect(dedupKey('lab', normalize(crlf))).toBe(dedupKey('lab', normalize(bytes)));
  });
});
