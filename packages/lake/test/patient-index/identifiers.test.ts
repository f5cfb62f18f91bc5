import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseMessage } from '@hcdl/hl7v2';
import {
  escapeIdentifierPart,
  extractPatientIdentifiers,
  identifierKey,
  mrgIdentifiers,
  parseIdentifierKey,
  pidIdentifiers,
  unescapeIdentifierPart,
} from '../../src/patient-index/identifiers';

const msg = (version: string, ...segments: string[]) =>
  parseMessage([`MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^A01|C1|P|${version}`, ...segments].join('\r'));
const keys = (version: string, pid: string): string[] => extractPatientIdentifiers(msg(version, pid)).map((i) => i.key);

describe('patient identifiers of PID-2, PID-3 and PID-4', () => {
  it('records each PID-3 repetition with its assigning authority and identifier type (v2.5)', () => {
    const ids = extractPatientIdentifiers(msg('2.5', 'PID|1||MRN-1^^^NORTH^MR~123-45-6789^^^SSA^SS~HC99^^^ONT^JHN||DOE^JANE'));
    expect(ids).toEqual([
      { authority: 'NORTH', type: 'MR', value: 'MRN-1', key: 'NORTH#MR#MRN-1' },
      { authority: 'SSA', type: 'SS', value: '123-45-6789', key: 'SSA#SS#123-45-6789' },
      { authority: 'ONT', type: 'JHN', value: 'HC99', key: 'ONT#JHN#HC99' },
    ]);
  });

  it('takes PID-2 (external id) and PID-4 (alternate id) of the v2.3 shape, in field order', () => {
    expect(keys('2.3', 'PID|1|EXT-7^^^REG^PI|MRN-1^^^NORTH^MR|ALT-3^^^OLDSYS^PT|DOE^JOHN')).toEqual(['REG#PI#EXT-7', 'NORTH#MR#MRN-1', 'OLDSYS#PT#ALT-3']);
    // v2.3 senders often send bare values: authority and type are empty parts.
    expect(keys('2.3', 'PID|1|12345|67890||DOE^JOHN')).toEqual(['##12345', '##67890']);
  });

  it('uses the universal id of CX-4 when there is no namespace id', () => {
    expect(keys('2.5', 'PID|1||A1^^^&2.16.840.1.113883.19.5&ISO^MR')).toEqual(['2.16.840.1.113883.19.5#MR#A1']);
    // The namespace wins when both are present.
    expect(keys('2.5', 'PID|1||A1^^^NORTH&2.16.840.1.113883.19.5&ISO^MR')).toEqual(['NORTH#MR#A1']);
  });

  it('skips empty, explicit-null and blank values, and repeated identifiers', () => {
    expect(keys('2.5', 'PID|1|""|^^^NORTH^MR~""^^^NORTH^MR~  ^^^X^MR~M1^^^NORTH^MR~M1^^^NORTH^MR|')).toEqual(['NORTH#MR#M1']);
    expect(keys('2.5', 'PID|1')).toEqual([]);
    expect(extractPatientIdentifiers(msg('2.5', 'EVN|A01|20240102'))).toEqual([]);
  });

  it('trims values and decodes HL7 escapes before keying', () => {
    expect(keys('2.5', 'PID|1|| M 1 ^^^ NORTH ^ MR ')).toEqual(['NORTH#MR#M 1']);
    expect(keys('2.5', 'PID|1||A\\F\\B^^^NORTH^MR')).toEqual(['NORTH#MR#A|B']);
  });

  it("escapes '#' and '%' so '#' only separates the three parts", () => {
    const [id] = extractPatientIdentifiers(msg('2.5', 'PID|1||7#5%^^^N#1^MR'));
    expect(id?.key).toBe('N%231#MR#7%235%25');
    expect(parseIdentifierKey(id!.key)).toEqual({ authority: 'N#1', type: 'MR', value: '7#5%' });
  });

  it('only reads the first PID for the message subject', () => {
    const m = msg('2.5', 'PID|1||FIRST^^^N^MR', 'PID|2||SECOND^^^N^MR');
    expect(extractPatientIdentifiers(m).map((i) => i.key)).toEqual(['N#MR#FIRST']);
    expect(pidIdentifiers(m.segmentsById('PID')[1]!).map((i) => i.key)).toEqual(['N#MR#SECOND']);
  });

  it('reads the prior identifiers of MRG-1 and MRG-4', () => {
    const m = msg('2.5', 'PID|1||NEW^^^N^MR', 'MRG|OLD-1^^^N^MR~OLD-SSN^^^SSA^SS||OLD-ACCT|OLD-PID^^^N^PI');
    expect(mrgIdentifiers(m.segmentsById('MRG')[0]!).map((i) => i.key)).toEqual(['N#MR#OLD-1', 'SSA#SS#OLD-SSN', 'N#PI#OLD-PID']);
  });
});

describe('identifier keys', () => {
  it('parses keys back and refuses what is not one', () => {
    expect(parseIdentifierKey('A#MR#1')).toEqual({ authority: 'A', type: 'MR', value: '1' });
    expect(parseIdentifierKey('##1')).toEqual({ authority: '', type: '', value: '1' });
    expect(parseIdentifierKey('A#MR#')).toBeUndefined();
    expect(parseIdentifierKey('A#MR')).toBeUndefined();
    expect(parseIdentifierKey('A#B#C#D')).toBeUndefined();
  });

  it('round-trips any parts', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string({ minLength: 1 }), (a, t, v) => {
        fc.pre(v.trim() !== '');
        const key = identifierKey(a, t, v);
        expect(key.split('#')).toHaveLength(3);
        expect(parseIdentifierKey(key)).toEqual({ authority: a.trim(), type: t.trim(), value: v.trim() });
        expect(unescapeIdentifierPart(escapeIdentifierPart(v))).toBe(v.trim());
      }),
    );
  });
});
