/**
 * Segment terminators (CR, LF, CRLF, mixed), the UTF-8 BOM, MLLP framing bytes and blank
 * lines: all give the same segments, and normalize() documents how the text is rewritten.
 */
import { describe, expect, it } from '@jest/globals';
import { normalize, parseMessage, serialize, splitLines } from '../../src/index';
import { adt, concatBytes, corpusBytes, utf8 } from './support';

const CR = adt();
const segs = CR.split('\r').filter((s) => s !== '');

const variants: [string, string][] = [
  ['CR', segs.join('\r')],
  ['LF', segs.join('\n')],
  ['CRLF', segs.join('\r\n')],
  ['mixed CR / LF / CRLF', `${segs[0]}\r\n${segs[1]}\n${segs[2]}\r${segs[3]}\r\n`],
  ['LF with a trailing LF', `${segs.join('\n')}\n`],
  ['blank lines between and after segments', `\n\n${segs[0]}\r\n\r\n${segs[1]}\r\r${segs[2]}\n  \n${segs[3]}\n\t\n\n`],
  ['a UTF-8 BOM', `\ufeff${segs.join('\r')}`],
  ['MLLP framing (0x0B ... 0x1C CR)', `\u000b${segs.join('\r')}\r\u001c\r`],
  ['MLLP framing with LF and a BOM', `\u000b\ufeff${segs.join('\n')}\n\u001c\n`],
];

describe('segment terminators, BOM, MLLP, blank lines', () => {
  it.each(variants)('%s gives the same segments and normalizes to CR', (_name, text) => {
    const m = parseMessage(text);
    expect(m.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'PV1']);
    expect(m.get('PID-5.1')).toBe('DOE');
    expect(m.diagnostics).toEqual([]);
    expect(normalize(text)).toBe(CR);
    expect(serialize(m)).toBe(CR);
    // Bytes give the same as text.
    expect(serialize(parseMessage(utf8(text)))).toBe(CR);
    expect(normalize(utf8(text))).toBe(CR);
  });

  it('the BOM given as bytes EF BB BF is removed', () => {
    const bytes = concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(CR));
    expect(normalize(bytes)).toBe(CR);
    expect(parseMessage(bytes).segments[0]?.id).toBe('MSH');
  });

  it('a message with no terminator at all gets one trailing CR', () => {
    const one = 'MSH|^~\\&|A|B';
    expect(normalize(one)).toBe(`${one}\r`);
    expect(serialize(parseMessage(one))).toBe(`${one}\r`);
  });

  it('segment line numbers count the lines that are not blank (CRLF is one terminator)', () => {
    // Blank lines are not counted, so the message numbers its lines as its normalized form does.
    const m = parseMessage(`\r\n${segs[0]}\r\n\r\n${segs[1]}\n${segs[2]}\r${segs[3]}`);
    expect(m.segments.map((s) => s.line)).toEqual([1, 2, 3, 4]);
    expect(parseMessage(normalize(`\r\n${segs[0]}\r\n\r\n${segs[1]}\n${segs[2]}\r${segs[3]}`)).segments.map((s) => s.line)).toEqual([1, 2, 3, 4]);
    expect(m.segments.every((s) => s.column === 1)).toBe(true);
  });

  it('splitLines numbers the lines that are not blank and drops framing and blank lines', () => {
    expect(splitLines('\u000bA\r\n\r\nB\n \n\u001cC\u001c\r')).toEqual([
      { text: 'A', line: 1 },
      { text: 'B', line: 2 },
      { text: 'C', line: 3 },
    ]);
  });

  it('normalization changes nothing inside a line (spaces, tabs, trailing separators kept)', () => {
    const text = 'MSH|^~\\&|A |\tB||\rPID|1|| x ^ y ||\r';
    expect(normalize(text)).toBe(text);
    expect(serialize(parseMessage(text))).toBe(text);
  });

  it('corpus: an LF file and its CRLF and CR rewrites parse to the same tree', () => {
    const lf = corpusBytes('hl7v2-fhir-converter/src/test/resources/sample_unix.hl7');
    const text = new TextDecoder().decode(lf);
    const a = parseMessage(lf);
    for (const other of [text.replace(/\n/g, '\r\n'), text.replace(/\n/g, '\r')]) {
      const b = parseMessage(utf8(other));
      expect(b.segments.map((s) => s.fields)).toEqual(a.segments.map((s) => s.fields));
      expect(serialize(b)).toBe(serialize(a));
    }
    expect(a.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'OBX', 'AL1', 'AL1', 'PRB']);
  });

  it('corpus: MLLP-framed files with blank lines (ruby-hl7) parse with no framing byte left', () => {
    for (const path of ['ruby-hl7/test_data/test2.hl7', 'ruby-hl7/test_data/rqi_r04.hl7', 'ruby-hl7/test_data/lotsunknowns.hl7']) {
      const bytes = corpusBytes(path);
      expect(bytes.includes(0x0b) || bytes.includes(0x1c)).toBe(true);
      const out = serialize(parseMessage(bytes));
      expect(out.startsWith('MSH')).toBe(true);
      expect(out).not.toMatch(/[\u000b\u001c\n]|\r\r/);
    }
  });

  it('corpus: a mixed-terminator file (hl7-standard message2) keeps every segment', () => {
    const bytes = corpusBytes('hl7-standard/tests/data/message2.hl7');
    const text = new TextDecoder().decode(bytes);
    const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
    const m = parseMessage(bytes);
    expect(m.segments.length + m.extraLines.length).toBe(lines.length);
    expect(serialize(m)).toBe(`${lines.join('\r')}\r`);
  });

  it('corpus: BOM-prefixed FHIR-Converter files start with MSH once parsed', () => {
    const bytes = corpusBytes('FHIR-Converter/data/SampleData/Hl7v2/ADT01-23.hl7');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const m = parseMessage(bytes);
    expect(m.segments[0]?.id).toBe('MSH');
    expect(m.diagnostics.filter((d) => d.code === 'DATA_BEFORE_MSH')).toEqual([]);
    expect(normalize(bytes).charCodeAt(0)).toBe(0x4d);
  });
});
