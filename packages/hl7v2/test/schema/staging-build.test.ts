import { describe, expect, it } from '@jest/globals';
import { getDictionary } from '../../src/dictionary/load';
import { writeStagingText } from '../../src/schema/staging-write';
import { resolveStructure } from '../../src/schema/structure';
import type { Diagnostic } from '../../src/schema/diagnostics';
import { buildStaging } from './reference/staging-build';
import { simpleView } from './simple-view';

function stage(er7: string, header: { messageCode?: string; triggerEvent?: string; structureId?: string; version?: string }) {
  const res = resolveStructure(header);
  const warnings: Diagnostic[] = [];
  const view = simpleView(er7);
  const text = writeStagingText(view, getDictionary(res.dictionaryVersion), res, warnings);
  // The writer's text is the reference writer's, byte for byte (warnings included).
  expect(text).toBe(JSON.stringify(buildStaging(view, getDictionary(res.dictionaryVersion), res, [])));
  return { doc: JSON.parse(text), warnings };
}

const ORU = [
  'MSH|^~\\&|LAB|HOSP|||20240101120000||ORU^R01^ORU_R01|C123|P|2.5.1',
  'PID|1||555^^^HOSP&1.2.3&ISO^MR~777^^^OTHER||DOE^JANE~""^ALIAS||19800101|F',
  'OBR|1|||GLU^Glucose^LN',
  'OBX|1|NM|GLU^Glucose^LN||7.2|mmol/L|||||F',
  'OBX|2|CWE|X^Y^LN||POS^Positive^HL70078~NEG^Negative^HL70078||||||F',
  'OBX|3||Z^Z^LN||free^text',
  'ZPI|a||b^c&d~e|""',
].join('\r');

describe('writeStagingText', () => {
  const { doc, warnings } = stage(ORU, { messageCode: 'ORU', triggerEvent: 'R01', structureId: 'ORU_R01', version: '2.5.1' });

  it('fills _meta from the resolution', () => {
    expect(doc._meta).toEqual({ version: '2.5.1', dictionaryVersion: '2.5.1', structure: 'ORU_R01', warnings: [] });
    expect(warnings).toEqual([]);
  });

  it('names MSH fields with HL7 numbering', () => {
    expect(doc.msh.field_separator).toBe('|');
    expect(doc.msh.encoding_characters).toBe('^~\\&');
    expect(doc.msh.message_control_id).toBe('C123');
    expect(doc.msh.message_type).toEqual({ message_code: 'ORU', trigger_event: 'R01', message_structure: 'ORU_R01' });
    expect(doc.msh.sending_application).toEqual({ namespace_id: 'LAB' });
  });

  it('makes segments arrays when the structure lets them repeat (groups flattened)', () => {
    expect(Array.isArray(doc.msh)).toBe(false);
    expect(doc.pid).toHaveLength(1);
    expect(doc.obr).toHaveLength(1);
    expect(doc.obx).toHaveLength(3);
    expect(doc.zpi).toHaveLength(1);
  });

  it('keeps every repetition and subcomponent, by name', () => {
    const pid = doc.pid[0];
    expect(pid.patient_identifier_list).toEqual([
      { id_number: '555', assigning_authority: { namespace_id: 'HOSP', universal_id: '1.2.3', universal_id_type: 'ISO' }, identifier_type_code: 'MR' },
      { id_number: '777', assigning_authority: { namespace_id: 'OTHER' } },
    ]);
    expect(pid.patient_name[0].family_name.surname).toBe('DOE');
    expect(pid.patient_name[1]).toEqual({ family_name: null, given_name: 'ALIAS' });
    expect(pid.set_id_pid).toBe('1');
  });

  it('types OBX-5 by OBX-2', () => {
    expect(doc.obx[0].observation_value).toEqual(['7.2']);
    expect(doc.obx[0].units).toEqual({ identifier: 'mmol/L' });
    expect(doc.obx[1].observation_value).toEqual([
      { identifier: 'POS', text: 'Positive', name_of_coding_system: 'HL70078' },
      { identifier: 'NEG', text: 'Negative', name_of_coding_system: 'HL70078' },
    ]);
    expect(doc.obx[2].observation_value).toEqual([{ component_1: 'free', component_2: 'text' }]);
  });

  it('gives unknown segments positional keys and turns "" into null', () => {
    expect(doc.zpi[0]).toEqual({
      field_1: 'a',
      field_3: [{ component_1: 'b', component_2: { subcomponent_1: 'c', subcomponent_2: 'd' } }, 'e'],
      field_4: null,
    });
  });

  it('uses the 2.3 names and shapes (PID-5 does not repeat there)', () => {
    const { doc: d23 } = stage('MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.3\rEVN|A01\rPID|1||123||DOE^JOHN', {
      messageCode: 'ADT',
      triggerEvent: 'A01',
      version: '2.3',
    });
    expect(d23.pid).toEqual({ set_id_patient_id: '1', patient_id_internal_id: [{ id: '123' }], patient_name: { family_name: 'DOE', given_name: 'JOHN' } });
    expect(d23.evn).toEqual({ event_type_code: 'A01' });
  });

  it('keeps components sent on a primitive field, and overflow repetitions/segments, with warnings', () => {
    const { doc: d, warnings: w } = stage('MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5\rEVN||20240101\rPID|1^x&y||1||X||19800101^P&Q|F~M\rPID|2', {
      messageCode: 'ADT',
      triggerEvent: 'A01',
      structureId: 'ADT_A01',
      version: '2.5',
    });
    expect(d.pid.set_id_pid).toBe('1^x&y');
    expect(d.pid.date_time_of_birth).toEqual({ time: '19800101', degree_of_precision: 'P&Q' });
    expect(d.pid.administrative_sex).toBe('F');
    expect(d.pid.administrative_sex_extra).toEqual(['M']);
    expect(d.pid_extra).toEqual([{ set_id_pid: '2' }]);
    expect(w.map((x) => [x.code, x.location])).toEqual([
      ['FIELD_REPEATED', 'PID[1]-8'],
      ['SEGMENT_REPEATED', 'PID[2]'],
    ]);
  });

  it('uses the generic layout when no structure is known', () => {
    const { doc: d } = stage('MSH|^~\\&|A\rPID|1\rZZZ|x', {});
    expect(d._meta).toMatchObject({ version: null, dictionaryVersion: '2.5.1', structure: null });
    expect(Array.isArray(d.msh)).toBe(false);
    expect(d.pid).toEqual([{ set_id_pid: '1' }]);
  });
});
