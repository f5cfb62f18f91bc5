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

  it('no data type names two components alike when another version tells them apart', () => {
    // Keys of a clash go first-wins (keys.ts): ED-3 and ED-5 were both 'data' in 2.3-2.4, so the
    // subtype took `data` and the payload `data_5`; 2.5 names ED-3 'data subtype'. A clash is
    // only kept where no version tells the components apart: the standard itself names CSU-21..23
    // (the third tuple, added in 2.7) like CSU-18..20, and the first tuple keeps the name.
    const kept: string[] = [];
    const resolvable: string[] = [];
    let types = 0;
    for (const version of DICTIONARY_VERSIONS) {
      const d = getDictionary(version);
      for (const id of d.datatypeIds()) {
        types++;
        for (const c of d.datatype(id)?.components ?? []) {
          if (c === undefined || c.key === (cleanName(c.name) || `component_${c.seq}`)) continue;
          // c lost its name to an earlier component with the same one: does a version name them apart?
          const twin = (d.datatype(id)?.components ?? []).find((o) => o !== undefined && o.seq < c.seq && cleanName(o.name) === cleanName(c.name));
          const apart = DICTIONARY_VERSIONS.some((v) => {
            const other = getDictionary(v).datatype(id)?.components;
            const x = other?.[c.seq - 1];
            const y = twin === undefined ? undefined : other?.[twin.seq - 1];
            return x !== undefined && y !== undefined && cleanName(x.name) !== cleanName(y.name);
          });
          (apart ? resolvable : kept).push(`${version} ${id}-${c.seq} ${c.key}`);
        }
      }
    }
    expect(types).toBeGreaterThan(800);
    expect(resolvable).toEqual([]);
    expect(kept).toEqual(
      ['2.7', '2.8', '2.8.1', '2.8.2'].flatMap((v) => [
        `${v} CSU-21 alternate_unit_of_measure_coding_system_oid_21`,
        `${v} CSU-22 alternate_unit_of_measure_value_set_oid_22`,
        `${v} CSU-23 alternate_unit_of_measure_value_set_version_id_23`,
      ]),
    );
  });

  it('names ED-3 data_subtype and ED-5 data in every version (2.3-2.4 source names corrected)', () => {
    for (const version of DICTIONARY_VERSIONS) {
      const ed = getDictionary(version).datatype('ED')?.components;
      expect([ed?.[2]?.key, ed?.[4]?.key]).toEqual(['data_subtype', 'data']);
    }
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
