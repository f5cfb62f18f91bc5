/** The console's display split of ER7, on corpus messages: every field is placed where the text has it. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { delimitersOf, lineOfSegment, parseLocation, segmentsOf } from '../web/er7';

const CORPUS = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus');
const read = (p: string): string => readFileSync(path.join(CORPUS, p), 'latin1');

describe('ER7 display split', () => {
  it('numbers MSH fields as HL7 does (MSH-2 the encoding characters, MSH-9 the type, MSH-10 the control id)', () => {
    const [msh] = segmentsOf(read('FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'));
    expect(msh?.id).toBe('MSH');
    const field = (n: number) => msh?.fields.find((f) => f.n === n);
    expect(field(2)?.text).toBe('^~\\&');
    expect(field(2)?.repetitions).toEqual([[{ n: 1, text: '^~\\&' }]]);
    expect(field(9)?.repetitions[0]?.map((c) => c.text)).toEqual(['ADT', 'A01', 'ADT_A01']);
    expect(field(10)?.text).toBe('MSG00001');
  });

  it('places every field of every corpus message at its column, with PID-3 repetitions and components split', () => {
    const text = read('FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7');
    const segments = segmentsOf(text);
    const lines = text.split(/\r\n|\r|\n/);
    for (const s of segments) {
      expect(lines[s.line - 1]).toBe(s.text);
      for (const f of s.fields) expect(s.text.slice(f.column, f.column + f.text.length)).toBe(f.text);
    }
    const pid = segments.find((s) => s.id === 'PID');
    const pid3 = pid?.fields.find((f) => f.n === 3);
    expect(pid3?.repetitions.length).toBe(pid3?.text.split('~').length);
    expect(pid3?.repetitions[0]?.[0]?.text).toBe(pid3?.text.split('~')[0]?.split('^')[0]);
  });

  it('reads the delimiters a message declares', () => {
    expect(delimitersOf('MSH#*!\\&#A#B\r')).toEqual({ field: '#', component: '*', repetition: '!' });
    expect(delimitersOf('PID|1\r')).toEqual({ field: '|', component: '^', repetition: '~' });
  });

  it('turns diagnostic locations into segment, repetition, field and component, and finds the line', () => {
    expect(parseLocation('PID[1]-3.1')).toEqual({ segment: 'PID', repetition: 1, field: 3, component: 1 });
    expect(parseLocation('MSH-9')).toEqual({ segment: 'MSH', repetition: 1, field: 9 });
    expect(parseLocation('OBX[2]')).toEqual({ segment: 'OBX', repetition: 2 });
    expect(parseLocation('not a place')).toBeUndefined();
    const segments = segmentsOf('MSH|^~\\&|A\rOBX|1\rOBX|2\r');
    expect(lineOfSegment(segments, 'OBX', 2)).toBe(3);
    expect(lineOfSegment(segments, 'OBX', 3)).toBeUndefined();
  });
});
