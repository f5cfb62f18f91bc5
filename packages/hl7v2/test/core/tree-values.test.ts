/**
 * Repetitions, components and subcomponents as the tree keeps them; Z-segments and fields
 * beyond the dictionary kept; MSH numbering (MSH-1 is the field separator, MSH-2 the
 * encoding characters).
 */
import { describe, expect, it } from '@jest/globals';
import { parseMessage, serialize, toStagingJsonText } from '../../src/index';
import { adt, corpusBytes } from './support';

describe('repetitions, components, subcomponents', () => {
  const m = parseMessage(adt({ pid3: 'A1^^^HOSP&1.2.3&ISO^MR~B2^^^LAB~""~~C3' }));
  const pid = m.segmentsById('PID')[0]!;

  it('a field is an array of repetitions, each an array of components', () => {
    expect(pid.field(3)).toEqual([['A1', '', '', ['HOSP', '1.2.3', 'ISO'], 'MR'], ['B2', '', '', 'LAB'], [null], [''], ['C3']]);
  });

  it('leaf(field, repetition, component, subcomponent) is 1-based', () => {
    expect(pid.leaf(3)).toBe('A1');
    expect(pid.leaf(3, 1, 4)).toBe('HOSP');
    expect(pid.leaf(3, 1, 4, 2)).toBe('1.2.3');
    expect(pid.leaf(3, 1, 4, 3)).toBe('ISO');
    expect(pid.leaf(3, 1, 4, 4)).toBeUndefined();
    expect(pid.leaf(3, 2, 4)).toBe('LAB');
    expect(pid.leaf(3, 2, 4, 2)).toBeUndefined();
    expect(pid.leaf(3, 5)).toBe('C3');
    expect(pid.leaf(3, 6)).toBeUndefined();
  });

  it('the HL7 explicit null "" is null, an empty value is "" and an empty field undefined', () => {
    expect(pid.leaf(3, 3)).toBeNull();
    expect(pid.leaf(3, 4)).toBe('');
    expect(pid.field(2)).toBeUndefined();
    expect(m.get('PID-2')).toBeUndefined();
    expect(m.get('PID-3[3]')).toBeNull();
  });

  it('getAll returns the value in every repetition', () => {
    expect(m.getAll('PID-3')).toEqual(['A1', 'B2', null, '', 'C3']);
    expect(m.getAll('PID-3.4')).toEqual(['HOSP', 'LAB']);
    expect(m.getAll('PID-3.4.2')).toEqual(['1.2.3']);
    expect(m.getAll('PID-3[2].1')).toEqual(['B2']);
    expect(m.getAll('PID-99')).toEqual([]);
  });

  it('serializes back exactly', () => {
    expect(serialize(m)).toBe(adt({ pid3: 'A1^^^HOSP&1.2.3&ISO^MR~B2^^^LAB~""~~C3' }));
  });

  it('trailing empty fields and components are kept for the round trip', () => {
    const text = 'MSH|^~\\&|A|||\rPID|1||X^^||||\r';
    const t = parseMessage(text);
    expect(t.segmentsById('PID')[0]!.fieldCount).toBe(7);
    expect(t.segmentsById('PID')[0]!.field(3)).toEqual([['X', '', '']]);
    expect(serialize(t)).toBe(text);
  });
});

describe('MSH numbering', () => {
  const m = parseMessage(adt());

  it('MSH-1 is the field separator and MSH-2 the encoding characters', () => {
    expect(m.get('MSH-1')).toBe('|');
    expect(m.get('MSH-2')).toBe('^~\\&');
    expect(m.get('MSH-3')).toBe('SENDAPP');
    expect(m.get('MSH-7')).toBe('20240102030405');
    expect(m.get('MSH-9')).toBe('ADT');
    expect(m.get('MSH-9.1')).toBe('ADT');
    expect(m.get('MSH-9.2')).toBe('A01');
    expect(m.get('MSH-9.3')).toBe('ADT_A01');
    expect(m.get('MSH-10')).toBe('CTRL1');
    expect(m.get('MSH-12')).toBe('2.5');
  });

  it('MSH-2 is taken verbatim, never split on its own characters', () => {
    expect(m.segments[0]!.field(2)).toEqual([['^~\\&']]);
  });

  it('the header summary agrees with the tree', () => {
    expect(m.header).toMatchObject({
      messageType: 'ADT^A01',
      messageCode: 'ADT',
      triggerEvent: 'A01',
      structureId: 'ADT_A01',
      controlId: 'CTRL1',
      version: '2.5',
      sendingApplication: 'SENDAPP',
      sendingFacility: 'SENDFAC',
      processingId: 'P',
    });
  });
});

describe('Z-segments and fields beyond the dictionary are kept', () => {
  const zzz = `ZPI|1|${Array.from({ length: 60 }, (_, i) => `v${i + 2}^c&s`).join('|')}`;
  const text = adt({ extra: [zzz, 'ZX1|a~b|""'], pid3: 'X' }).replace('PV1|1|I', `PV1|1|I${'|'.repeat(70)}EXTRA71`);
  const m = parseMessage(text);

  it('Z-segments are in the tree with every field', () => {
    expect(m.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'ZPI', 'ZX1']);
    expect(m.get('ZPI-61.1')).toBe('v61');
    expect(m.get('ZPI-61.2.2')).toBe('s');
    expect(m.getAll('ZX1-1')).toEqual(['a', 'b']);
    expect(m.get('ZX1-2')).toBeNull();
  });

  it('a field past the last dictionary field of a standard segment is kept', () => {
    expect(m.get('PV1-72')).toBe('EXTRA71');
    expect(m.segmentsById('PV1')[0]!.fieldCount).toBe(72);
  });

  it('round trip keeps them', () => {
    expect(serialize(m)).toBe(text);
  });

  it('the staging JSON keeps them (nothing dropped)', () => {
    const json = toStagingJsonText(m);
    expect(json).toContain('v61');
    expect(json).toContain('EXTRA71');
  });

  it('corpus: every Z-segment of the ruby-hl7 "lots of unknowns" file is kept', () => {
    const bytes = corpusBytes('ruby-hl7/test_data/lotsunknowns.hl7');
    const text = new TextDecoder().decode(bytes);
    const ids = text
      .split(/[\r\n]+/)
      .map((l) => l.replace(/^[\u000b\u001c]+/, ''))
      .filter((l) => /^[A-Z][A-Z0-9]{2}\|/.test(l))
      .map((l) => l.slice(0, 3));
    expect(ids.length).toBeGreaterThan(5);
    expect(parseMessage(bytes).segments.map((s) => s.id)).toEqual(ids);
  });
});
