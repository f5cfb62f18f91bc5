/**
 * Escapes: the five separator escapes decoded, \Xhh..\ decoded with the message's charset,
 * formatting commands kept verbatim (written with a backslash), malformed escapes reported
 * with code and location but never fatal; serialization re-escapes.
 */
import { describe, expect, it } from '@jest/globals';
import { decodeEscapes, DEFAULT_DELIMITERS, encodeEscapes, parseMessage, serialize, serializeSegment } from '../../src/index';
import { adt, corpusBytes, latin1, utf8 } from './support';

describe('separator escapes', () => {
  it('\\F\\ \\S\\ \\T\\ \\R\\ \\E\\ decode to | ^ & ~ \\', () => {
    const m = parseMessage(adt({ pid3: 'a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f' }));
    expect(m.get('PID-3')).toBe('a|b^c&d~e\\f');
    // Decoded separators are data: the field still has one repetition and one component.
    expect(m.segmentsById('PID')[0]!.field(3)).toEqual([['a|b^c&d~e\\f']]);
  });

  it('escapes decode inside components and subcomponents', () => {
    const m = parseMessage(adt({ pid3: 'x\\S\\y^^^A\\T\\B&1\\F\\2&ISO' }));
    expect(m.get('PID-3.1')).toBe('x^y');
    expect(m.get('PID-3.4.1')).toBe('A&B');
    expect(m.get('PID-3.4.2')).toBe('1|2');
  });

  it("they stand for the message's own separators (backtick escape of the AWS sample)", () => {
    const m = parseMessage(adt({ enc: '^~`&', pid3: 'a`S`b`E`c`T`d\\e' }));
    expect(m.get('PID-3')).toBe('a^b`c&d\\e');
    const lab = parseMessage(corpusBytes('hcls-data-lake/messages/lab01.txt'));
    expect(lab.delimiters.escape).toBe('`');
    expect(lab.diagnostics.filter((d) => d.code === 'BAD_ESCAPE')).toEqual([]);
  });

  it('serialization re-escapes a value set through the tree', () => {
    const m = parseMessage(adt({ pid3: 'X' }));
    m.segmentsById('PID')[0]!.setField(3, 'a|b^c&d~e\\f');
    expect(serializeSegment(m.segmentsById('PID')[0]!, m.delimiters)).toBe('PID|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f||DOE^JANE');
    expect(parseMessage(serialize(m)).get('PID-3')).toBe('a|b^c&d~e\\f');
  });

  it('encodeEscapes and decodeEscapes are inverse for separator characters', () => {
    const value = '|^~\\&|x';
    const enc = encodeEscapes(value, DEFAULT_DELIMITERS);
    expect(enc).toBe('\\F\\\\S\\\\R\\\\E\\\\T\\\\F\\x');
    expect(decodeEscapes(enc, DEFAULT_DELIMITERS, 'utf-8')).toEqual({ value, badAt: -1 });
  });

  it('encodeEscapes writes a command as a command and a doubled data backslash as \\E\\ (they decode back)', () => {
    // `\.br\` in a value is the line break command; `\\.br\` is the text "\.br\" (docs/hl7v2-parsing.md).
    for (const [value, sent] of [
      ['x\\.br\\y', 'x\\.br\\y'],
      ['x\\\\.br\\y', 'x\\E\\.br\\E\\y'],
      ['C:\\TEMP', 'C:\\E\\TEMP'],
      ['a\\\\\\b', 'a\\E\\\\E\\b'],
    ] as const) {
      expect(encodeEscapes(value, DEFAULT_DELIMITERS)).toBe(sent);
      expect(decodeEscapes(sent, DEFAULT_DELIMITERS, 'utf-8')).toEqual({ value, badAt: -1 });
    }
  });
});

describe('hex escapes \\Xhh..\\ decoded with the message charset', () => {
  it('ASCII bytes', () => {
    expect(parseMessage(adt({ pid3: 'A\\X4243\\D' })).get('PID-3')).toBe('ABCD');
  });

  it('UTF-8 (MSH-18 UNICODE UTF-8): multi-byte sequences', () => {
    const m = parseMessage(utf8(adt({ pid3: 'Caf\\XC3A9\\ \\XE282AC\\', msh18: 'UNICODE UTF-8' })));
    expect(m.get('PID-3')).toBe('Café €');
  });

  it('ISO 8859-1: one byte per character, Windows-1252 codes included', () => {
    const m = parseMessage(latin1(adt({ pid3: 'Caf\\XE9\\ \\X80\\ \\X93\\q\\X94\\', msh18: '8859/1' })));
    expect(m.get('PID-3')).toBe('Café € “q”');
  });

  it('the sent text is written back unchanged (exact round trip)', () => {
    const text = adt({ pid3: 'Caf\\XC3A9\\^\\x41\\' });
    expect(serialize(parseMessage(text))).toBe(text);
  });
});

describe('formatting commands are kept verbatim in the decoded value', () => {
  it.each([
    '\\.br\\',
    '\\.sp\\',
    '\\.sp2\\',
    '\\.in+4\\',
    '\\.ti-2\\',
    '\\.ce\\',
    '\\.fi\\',
    '\\.nf\\',
    '\\.sk3\\',
    '\\H\\',
    '\\N\\',
    '\\Zvendor\\',
    '\\C2842\\',
    '\\M2442\\',
  ])('%s', (cmd) => {
    const text = adt({ pid3: `a${cmd}b` });
    const m = parseMessage(text);
    expect(m.get('PID-3')).toBe(`a${cmd}b`);
    expect(m.diagnostics).toEqual([]);
    expect(serialize(m)).toBe(text);
  });

  it('highlighting \\H\\ ... \\N\\ around text keeps the text between', () => {
    expect(parseMessage(adt({ pid3: 'x \\H\\IMPORTANT\\N\\ y' })).get('PID-3')).toBe('x \\H\\IMPORTANT\\N\\ y');
  });

  it("commands are written with a backslash whatever the message's escape character", () => {
    const text = adt({ enc: '^~`&', pid3: 'line1`.br`line2`H`x`N`' });
    const m = parseMessage(text);
    expect(m.get('PID-3')).toBe('line1\\.br\\line2\\H\\x\\N\\');
    expect(serialize(m)).toBe(text);
  });

  it('corpus: an NTE with \\.br\\ and \\H\\/\\N\\ (HL7-dotnetcore Sample-ORM) keeps them', () => {
    const m = parseMessage(corpusBytes('HL7-dotnetcore/test/Sample-ORM.txt'));
    expect(m.get('NTE-3')).toBe('some text\\.br\\some text after \\H\\new line\\N\\\\.br\\issue Efferent-Health#82');
    expect(m.diagnostics.filter((d) => d.code === 'BAD_ESCAPE')).toEqual([]);
  });

  it('corpus: \\T\\ inside a subcomponent (FHIR-Converter ADT-A01-01) decodes to &', () => {
    const m = parseMessage(corpusBytes('FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'));
    const values = m.segments.flatMap((s) => s.fields.flatMap((f) => (f ?? []).flat(2)));
    expect(values.some((v) => typeof v === 'string' && v.includes('A&E-this'))).toBe(true);
  });
});

describe('malformed escapes: reported, kept as sent, never fatal', () => {
  it('an unknown sequence gets BAD_ESCAPE with its location and column', () => {
    const text = 'MSH|^~\\&|A\rPID|1||ok^a&b\\Q\\c\r';
    const m = parseMessage(text);
    expect(m.get('PID-3.2.2')).toBe('b\\Q\\c');
    expect(m.diagnostics).toEqual([
      expect.objectContaining({
        code: 'BAD_ESCAPE',
        severity: 'warning',
        location: 'PID[1]-3.2.2',
        line: 2,
        column: 14,
        segment: 'PID',
        segmentRepetition: 1,
        field: 3,
        repetition: 1,
        component: 2,
        subcomponent: 2,
      }),
    ]);
    expect(serialize(m)).toBe(text);
  });

  it('an unterminated escape at the end of a value, in the 2nd repetition of the 2nd OBX', () => {
    const text = 'MSH|^~\\&|A\rOBX|1|ST|||fine\rOBX|2|ST|||x~C:\\temp\r';
    const m = parseMessage(text);
    expect(m.get('OBX[2]-5[2]')).toBe('C:\\temp');
    const d = m.diagnostics[0];
    expect(d).toMatchObject({ code: 'BAD_ESCAPE', location: 'OBX[2]-5[2].1.1', line: 3, column: 16 });
    expect(serialize(m)).toBe(text);
  });

  it('an odd number of hex digits is malformed', () => {
    const m = parseMessage(adt({ pid3: 'a\\X4\\b' }));
    expect(m.get('PID-3')).toBe('a\\X4\\b');
    expect(m.diagnostics.map((d) => d.code)).toEqual(['BAD_ESCAPE']);
  });

  it('\\P\\ without a truncation character in MSH-2 is malformed', () => {
    const m = parseMessage(adt({ pid3: 'a\\P\\b' }));
    expect(m.diagnostics.map((d) => d.code)).toEqual(['BAD_ESCAPE']);
  });

  it('diagnostic messages never quote the value', () => {
    const m = parseMessage(adt({ pid3: 'SECRETDOE\\Q' }));
    expect(JSON.stringify(m.diagnostics)).not.toContain('SECRETDOE');
  });

  it('strict mode turns a bad escape into Hl7StrictError', () => {
    expect(() => parseMessage(adt({ pid3: 'a\\Q\\' }), { strict: true })).toThrow(expect.objectContaining({ name: 'Hl7StrictError', code: 'STRICT' }));
  });
});
