/**
 * Lenient parsing: everything but a missing MSH or unusable delimiters parses, and carries
 * diagnostics with a code, a severity and a location (`PID[1]-3[2].4.2`, line, column).
 * Dictionary findings come from validateMessage; strict mode turns the parser's warnings
 * into a typed Hl7StrictError.
 */
import { describe, expect, it } from '@jest/globals';
import { formatLocation, Hl7Error, Hl7StrictError, isStageable, parseMessage, serialize, validateMessage, type Diagnostic } from '../../src/index';
import { adt } from './support';

const MSH = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|2.5';
const codeAt = (ds: readonly Diagnostic[], code: string): Diagnostic[] => ds.filter((d) => d.code === code);

describe('location format', () => {
  it('formatLocation writes SEG[n]-field[rep].component.subcomponent', () => {
    expect(formatLocation({ line: 3, segment: 'PID', segmentRepetition: 1, field: 3, repetition: 2, component: 4, subcomponent: 2 })).toBe('PID[1]-3[2].4.2');
    expect(formatLocation({ line: 3, segment: 'OBX', segmentRepetition: 2, field: 5, repetition: 1 })).toBe('OBX[2]-5');
    expect(formatLocation({ line: 3, segment: 'QQQ' })).toBe('QQQ[1]');
    expect(formatLocation({ line: 7 })).toBe('line 7');
  });

  it('a bad escape in PID-3[2].4.2 is located exactly there, with line and column', () => {
    const m = parseMessage(`${MSH}\rEVN|A01\rPID|1||1^^^H~2^^^H&bad\\Q\\x&ISO\r`);
    expect(codeAt(m.diagnostics, 'BAD_ESCAPE')).toEqual([
      {
        code: 'BAD_ESCAPE',
        severity: 'warning',
        message: expect.any(String),
        location: 'PID[1]-3[2].4.2',
        line: 3,
        column: 23,
        segment: 'PID',
        segmentRepetition: 1,
        field: 3,
        repetition: 2,
        component: 4,
        subcomponent: 2,
      },
    ]);
  });
});

describe('dictionary diagnostics (validateMessage)', () => {
  it('unknown segment', () => {
    const m = parseMessage(`${MSH}\rEVN|A01\rPID|1||X^^^H^MR||DOE\rQQQ|1\rPV1|1|I\r`);
    expect(codeAt(validateMessage(m), 'UNKNOWN_SEGMENT')).toEqual([
      expect.objectContaining({ severity: 'warning', location: 'QQQ[1]', line: 4, segment: 'QQQ' }),
    ]);
    // The segment is still in the tree and round-trips.
    expect(m.get('QQQ-1')).toBe('1');
  });

  it('Z-segments are not reported as unknown', () => {
    const m = parseMessage(`${MSH}\rEVN|A01\rPID|1||X^^^H^MR||DOE\rPV1|1|I\rZPI|1\r`);
    expect(codeAt(validateMessage(m), 'UNKNOWN_SEGMENT')).toEqual([]);
  });

  it('missing required field per the dictionary', () => {
    const m = parseMessage(`${MSH}\rEVN|A01\rPID|1||||DOE\rPV1|1|I\r`);
    const missing = codeAt(validateMessage(m), 'REQUIRED_FIELD_MISSING');
    expect(missing.map((d) => d.location)).toContain('PID[1]-3');
    expect(missing.find((d) => d.location === 'PID[1]-3')).toMatchObject({ severity: 'warning', line: 3, field: 3 });
  });

  it('value not in an HL7 table, at field and at component level', () => {
    const m = parseMessage(`${MSH}\rEVN|A01\rPID|1||1^^^H^MR~2^^^H^ZZZ||DOE||19800101|Q\rPV1|1|I\r`);
    const table = codeAt(validateMessage(m), 'TABLE_VALUE_UNKNOWN');
    expect(table.map((d) => d.location).sort()).toEqual(['PID[1]-3[2].5', 'PID[1]-8']);
    expect(table.every((d) => d.severity === 'warning' && d.line === 3)).toBe(true);
    // Coded table values may be quoted; messages name the table.
    expect(table.map((d) => d.message).join(' ')).toMatch(/HL70001/);
  });

  it('a message with warnings only is stageable', () => {
    const m = parseMessage(`${MSH}\rEVN|A01\rPID|1||1^^^H^MR||DOE||19800101|Q\rPV1|1|I\r`);
    const ds = validateMessage(m);
    expect(ds.length).toBeGreaterThan(0);
    expect(isStageable(ds)).toBe(true);
  });

  it('diagnostic messages never quote identifiers or free text', () => {
    const m = parseMessage(
      `${MSH}\rEVN|A01\rPID|1||SSN999887777^^^H^BOGUS||SECRETNAME^X||19800101|Q\rQQQ|SECRETQ\rnot a segment SECRETLINE\rOBX|1|TX|||SECRET\\Q\\TEXT\r`,
    );
    const text = JSON.stringify(validateMessage(m));
    for (const secret of ['SSN999887777', 'SECRETNAME', 'SECRETQ', 'SECRETLINE', 'SECRET\\\\Q']) expect(text).not.toContain(secret);
  });
});

describe('structural diagnostics (parser)', () => {
  it('a line that is not a segment: NON_SEGMENT_LINE at "line N", kept where it stood', () => {
    const text = `${MSH}\rEVN|A01\rPID|1||X\rOBX|1|TX|||first part of a note\rsecond part of the note\rPV1|1|I\r`;
    const m = parseMessage(text);
    expect(m.diagnostics).toEqual([expect.objectContaining({ code: 'NON_SEGMENT_LINE', severity: 'warning', location: 'line 5', line: 5, column: 1 })]);
    expect(m.extraLines).toEqual([{ line: 5, text: 'second part of the note', afterSegments: 4 }]);
    expect(m.nonSegmentLines).toEqual([5]);
    expect(m.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'OBX', 'PV1']);
    expect(serialize(m)).toBe(text);
  });

  it('several continuation lines: each is reported, and the dictionary check makes it an error', () => {
    const m = parseMessage(`${MSH}\rOBX|1|TX|||line one\r  line two\r  line three\r`);
    expect(codeAt(m.diagnostics, 'NON_SEGMENT_LINE').map((d) => d.line)).toEqual([3, 4]);
    const ds = validateMessage(m);
    expect(codeAt(ds, 'NON_SEGMENT_LINES')).toEqual([expect.objectContaining({ severity: 'error', location: 'line 4' })]);
    expect(isStageable(ds)).toBe(false);
  });

  it('a lower-case or short line is not a segment; a segment with another field separator neither', () => {
    const m = parseMessage(`${MSH}\rpid|1\rAB|1\rPID#1\rPID\r`);
    expect(codeAt(m.diagnostics, 'NON_SEGMENT_LINE').map((d) => d.line)).toEqual([2, 3, 4]);
    // A bare segment id is a segment with no fields.
    expect(m.segments.map((s) => s.id)).toEqual(['MSH', 'PID']);
  });

  it('text before the MSH: DATA_BEFORE_MSH; a second message: MULTIPLE_MESSAGES', () => {
    const m = parseMessage(`garbage\r${adt()}${adt()}`);
    expect(m.diagnostics.map((d) => [d.code, d.location])).toEqual([
      ['DATA_BEFORE_MSH', 'line 1'],
      ['MULTIPLE_MESSAGES', 'line 6'],
    ]);
  });
});

describe('strict mode', () => {
  it('a clean message parses in strict mode', () => {
    expect(parseMessage(adt(), { strict: true }).get('PID-5.1')).toBe('DOE');
  });

  it.each([
    ['a non-segment line', `${adt()}free text\r`, 'NON_SEGMENT_LINE'],
    ['a bad escape', adt({ pid3: 'x\\Q\\' }), 'BAD_ESCAPE'],
    ['an unknown charset', adt({ msh18: 'KLINGON' }), 'UNKNOWN_CHARSET'],
    ['a short MSH-2', adt({ enc: '^~&' }), 'ENCODING_CHARACTERS_SHORT'],
    ['two messages', `${adt()}${adt()}`, 'MULTIPLE_MESSAGES'],
  ])('%s becomes Hl7StrictError carrying the diagnostics', (_what, input, code) => {
    let caught: unknown;
    try {
      parseMessage(input, { strict: true });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Hl7StrictError);
    expect(caught).toBeInstanceOf(Hl7Error);
    const e = caught as Hl7StrictError;
    expect(e.name).toBe('Hl7StrictError');
    expect(e.code).toBe('STRICT');
    expect(e.diagnostics.map((d) => d.code)).toContain(code);
    expect(e.message).toContain(code);
    // Lenient mode parses the same input.
    expect(parseMessage(input).diagnostics.map((d) => d.code)).toContain(code);
  });
});
