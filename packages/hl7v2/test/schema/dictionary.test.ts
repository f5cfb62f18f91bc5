import { describe, expect, it } from '@jest/globals';
import { DICTIONARY_VERSIONS, getDictionary } from '../../src/dictionary/load';
import { assignKeys, cleanName } from '../../src/dictionary/keys';

describe('generated dictionary', () => {
  it('holds the ten hl7apy versions, oldest first', () => {
    expect(DICTIONARY_VERSIONS).toEqual(['2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.8', '2.8.1', '2.8.2']);
  });

  it('labels PID-5 and its subcomponents in 2.5.1 (README example 1)', () => {
    const d = getDictionary('2.5.1');
    const pid5 = d.segment('PID')?.fields[5];
    expect(pid5).toMatchObject({ seq: 5, key: 'patient_name', datatype: 'XPN', min: 1, max: -1, repeats: true });
    const fn = pid5?.type?.components[0];
    expect(fn).toMatchObject({ key: 'family_name', datatype: 'FN' });
    expect(fn?.type?.components[0]).toMatchObject({ key: 'surname', datatype: 'ST' });
    expect(pid5?.type?.components[6]).toMatchObject({ key: 'name_type_code', table: 'HL70200' });
  });

  it('keeps MSH numbering (MSH-1 is the field separator) and OBX-5 varies', () => {
    const d = getDictionary('2.3');
    expect(d.segment('MSH')?.fields[1]?.key).toBe('field_separator');
    expect(d.segment('MSH')?.fields[10]?.key).toBe('message_control_id');
    expect(d.segment('PID')?.fields[3]?.key).toBe('patient_id_internal_id');
    expect(d.segment('OBX')?.fields[5]?.type?.kind).toBe('varies');
  });

  it('PID-3 is patient_identifier_list in 2.8 despite the hl7apy cross-reference', () => {
    const f = getDictionary('2.8').segment('PID')?.fields;
    expect(f?.[3]).toMatchObject({ key: 'patient_identifier_list', datatype: 'CX', repeats: true });
    expect(f?.[4]).toMatchObject({ key: 'alternate_patient_id', max: 0, repeats: false });
  });

  it('disambiguates duplicate names, keeping the name for the element that may be valued', () => {
    const obx = getDictionary('2.5.1').segment('OBX')?.fields;
    expect(obx?.[20]?.key).toBe('performing_organization_name_20');
    expect(obx?.[23]?.key).toBe('performing_organization_name');
    const keys = new Set(obx?.filter((f) => f !== undefined).map((f) => f?.key));
    expect(keys.size).toBe(obx?.filter((f) => f !== undefined).length);
  });

  it('cleans names that are not snake_case', () => {
    expect(cleanName('inactivatio   n_date')).toBe('inactivation_date');
    expect(cleanName('patient_primary_care_provider_name_id no')).toBe('patient_primary_care_provider_name_id_no');
    expect(
      assignKeys(
        [
          { seq: 1, name: '', max: 1 },
          { seq: 2, name: 'a', max: 1 },
        ],
        'component',
      ),
    ).toEqual(['component_1', 'a']);
    expect(getDictionary('2.5').segment('CER')?.fields[26]?.key).toBe('inactivation_date');
  });

  it('decodes message structures with nested groups and tables', () => {
    const d = getDictionary('2.5.1');
    const oru = d.structure('ORU_R01');
    expect(oru?.children[0]).toEqual({ kind: 'segment', id: 'MSH', min: 1, max: 1 });
    const result = oru?.children.find((c) => c.kind === 'group');
    expect(result).toMatchObject({ kind: 'group', id: 'ORU_R01_PATIENT_RESULT', name: 'oru_r01_patient_result', max: -1 });
    expect([...(d.table('HL70001') ?? [])]).toEqual(['A', 'F', 'M', 'N', 'O', 'U']);
    expect(d.table('HL79999')).toBeUndefined();
    expect(getDictionary('2.3').table('HL70001')).toBeUndefined();
  });

  it('every element of every version has a key unique within its parent', () => {
    for (const v of DICTIONARY_VERSIONS) {
      const d = getDictionary(v);
      for (const id of d.segmentIds()) {
        const fields = d.segment(id)?.fields.filter((f) => f !== undefined) ?? [];
        expect(new Set(fields.map((f) => f?.key)).size).toBe(fields.length);
        for (const f of fields) expect(f?.key).toMatch(/^[a-z0-9_]+$/);
      }
    }
  });
});
