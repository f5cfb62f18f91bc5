/** The compact names the web console labels ER7 text with, checked against the engine's own dictionary. */
import { describe, expect, it } from '@jest/globals';
import { DICTIONARY_VERSIONS, dictionaryNames } from '../../src/index';
import { getDictionary } from '../../src/dictionary/load';

describe('dictionaryNames', () => {
  it('names PID-3 and its components, MSH-9 and OBX-5 in 2.5 as the dictionary does', () => {
    const d = dictionaryNames('2.5');
    expect(d?.segments.PID?.[2]).toEqual(['patient_identifier_list', 'CX']);
    expect(d?.segments.MSH?.[8]).toEqual(['message_type', 'MSG']);
    expect(d?.segments.OBX?.[4]).toEqual(['observation_value', 'varies']);
    expect(d?.datatypes.CX?.[0]).toEqual(['id_number', 'ST']);
    expect(d?.datatypes.CX?.[3]).toEqual(['assigning_authority', 'HD']);
    expect(d?.datatypes.ST).toBeUndefined();
  });

  it('covers every segment and field position of every version, and nothing else', () => {
    for (const v of DICTIONARY_VERSIONS) {
      const d = dictionaryNames(v);
      const dict = getDictionary(v);
      expect(Object.keys(d?.segments ?? {}).sort()).toEqual([...dict.segmentIds()].sort());
      for (const id of dict.segmentIds()) {
        const fields = dict.segment(id)?.fields ?? [];
        expect(d?.segments[id]?.length).toBe(fields.length - 1);
        fields.forEach((f, seq) => {
          if (seq > 0) expect(d?.segments[id]?.[seq - 1]).toEqual(f === undefined ? null : [f.name, f.datatype]);
        });
      }
    }
  });

  it('answers undefined for a version the dictionary does not hold', () => {
    expect(dictionaryNames('2.9')).toBeUndefined();
    expect(dictionaryNames('constructor')).toBeUndefined();
  });
});
