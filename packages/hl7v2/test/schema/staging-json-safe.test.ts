/**
 * Segment.jsonSafe: the parser tells the staging writer which segments hold no character JSON
 * must escape, and the writer then copies their values without testing them. Each kind of
 * character JSON escapes is sent in a leaf, raw or through an HL7 escape, and the text must
 * still be exactly what JSON.stringify gives for the same document.
 */
import { describe, expect, it } from '@jest/globals';
import { parseMessage, toStagingJsonText, type Message } from '../../src/index';
import { referenceStaging, referenceStagingText } from './reference';

const MSH = 'MSH|^~\\&|APP|FAC|LAB|HOSP|20240101||ADT^A01|42|P|2.5.1';
const withPid = (pid: string, msh = MSH): Message => parseMessage(`${msh}\rEVN|A01\rPID|${pid}\rPV1|1|I\r`);
const pidOf = (m: Message) => m.segments.find((s) => s.id === 'PID');

function expectSameAsStringify(m: Message): void {
  const text = toStagingJsonText(m);
  expect(text).toBe(referenceStagingText(m));
  expect(() => JSON.parse(text)).not.toThrow();
}

describe('Segment.jsonSafe', () => {
  it('is true for plain values, explicit nulls included, and the text is unchanged', () => {
    const m = withPid('1||123^^^HOSP^MR||DOE^JANE||19700101|F|""');
    expect(pidOf(m)?.jsonSafe).toBe(true);
    expectSameAsStringify(m);
  });

  it('is false for MSH, whose MSH-2 holds the escape character', () => {
    const m = withPid('1||123');
    expect(m.segments[0]?.jsonSafe).toBe(false);
    expect((referenceStaging(m)['msh'] as Record<string, unknown>)['encoding_characters']).toBe('^~\\&');
    expectSameAsStringify(m);
  });

  it.each([
    ['a raw quote', '1||123||DOE^JA"NE'],
    ['a quote in a primitive field (PID-8)', '1||123||DOE^JANE||19700101|F"'],
    ['a quote in a primitive sent with subcomponents', '1||123||DOE^JANE||19700101|F&"X'],
    ['a quote next to an explicit null', '1||123||DOE^"""'],
    ['a tab', '1||123||DOE^JA\tNE'],
    ['a decoded \\E\\ (backslash)', '1||123||DOE^JA\\E\\NE'],
    ['a hex escape decoded to a control character', '1||123||DOE^JA\\X07\\NE'],
    ['a lone surrogate half', '1||123||DOE^JA\ud800NE'],
  ])('is false with %s, and the value is escaped as JSON.stringify does', (_label, pid) => {
    const m = withPid(pid);
    expect(pidOf(m)?.jsonSafe).toBe(false);
    expectSameAsStringify(m);
  });

  it('is false (conservatively) with a surrogate pair, which is written as is', () => {
    const m = withPid('1||123||DOE^JA\ud83d\ude00NE');
    expect(pidOf(m)?.jsonSafe).toBe(false);
    expectSameAsStringify(m);
    expect(toStagingJsonText(m)).toContain('JA\ud83d\ude00NE');
  });

  it('counts a backslash as data when MSH-2 declares no escape character', () => {
    const m = withPid('1||123||DOE^C:\\TEMP', 'MSH|^~&|APP|FAC|LAB|HOSP|20240101||ADT^A01|42|P|2.5.1');
    expect(pidOf(m)?.jsonSafe).toBe(false);
    expect(m.get('PID-5.2')).toBe('C:\\TEMP');
    expectSameAsStringify(m);
  });

  it('becomes false once a field is replaced in code', () => {
    const m = withPid('1||123||DOE^JANE');
    const pid = pidOf(m);
    expect(pid?.jsonSafe).toBe(true);
    pid?.setField(5, 'DOE "THE" JANE');
    expect(pid?.jsonSafe).toBe(false);
    expectSameAsStringify(m);
    expect(JSON.parse(toStagingJsonText(m)).pid.patient_name[0].family_name.surname).toBe('DOE "THE" JANE');
  });
});
