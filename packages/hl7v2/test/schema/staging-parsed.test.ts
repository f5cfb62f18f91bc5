/**
 * The staging JSON of messages from the real parser (escapes decoded, MSH numbering, version
 * from MSH-12): version mapping in _meta, OBX-5 typed by OBX-2 for the common value types,
 * explicit null and empty values, positional keys, and arrays decided by the dictionary.
 */
import { describe, expect, it } from '@jest/globals';
import { parseMessage, toStagingJsonText } from '../../src/index';
import { referenceStagingText } from './reference';

type Json = Record<string, unknown>;
const stage = (er7: string): Json => JSON.parse(toStagingJsonText(parseMessage(er7))) as Json;
const codes = (doc: Json): string[] => ((doc['_meta'] as { warnings: { code: string }[] }).warnings ?? []).map((w) => w.code);

describe('version from MSH-12 (mapped to the nearest dictionary version)', () => {
  const adt = (v: string): string => `MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|${v}\rEVN|A01\rPID|1||2||DOE^J\rPV1|1|I\r`;

  it.each([
    ['2.1', '2.3'],
    ['2.2', '2.3'],
    ['2.3', '2.3'],
    ['2.5.1', '2.5.1'],
    ['2.6.1', '2.6'],
    ['2.7.1', '2.7'],
    ['2.9', '2.8.2'],
  ])('MSH-12 %s uses dictionary %s, with no version warning', (sent, dict) => {
    const doc = stage(adt(sent));
    expect(doc['_meta']).toMatchObject({ version: sent, dictionaryVersion: dict, structure: 'ADT_A01' });
    expect(codes(doc).filter((c) => c.startsWith('VERSION'))).toEqual([]);
  });

  it('the names and shapes follow the version: 2.3 PID-5 is one name, 2.6 a repeating XPN', () => {
    expect((stage(adt('2.2'))['pid'] as Json)['patient_name']).toEqual({ family_name: 'DOE', given_name: 'J' });
    expect((stage(adt('2.6.1'))['pid'] as Json)['patient_name']).toEqual([{ family_name: { surname: 'DOE' }, given_name: 'J' }]);
  });

  it('missing MSH-12: 2.5.1 with VERSION_MISSING located at MSH-12; not a version: VERSION_UNKNOWN', () => {
    const missing = stage(adt(''));
    expect(missing['_meta']).toMatchObject({ version: null, dictionaryVersion: '2.5.1' });
    const w = (missing['_meta'] as { warnings: { code: string; location: string }[] }).warnings.find((x) => x.code === 'VERSION_MISSING');
    expect(w?.location).toBe('MSH[1]-12');
    expect(codes(stage(adt('x'))).includes('VERSION_UNKNOWN')).toBe(true);
    expect(stage(adt('3.0'))['_meta']).toMatchObject({ version: '3.0', dictionaryVersion: '2.5.1' });
  });
});

describe('OBX-5 typed by OBX-2', () => {
  const doc = stage(
    [
      'MSH|^~\\&|LAB|H|||20240101||ORU^R01^ORU_R01|C1|P|2.5.1',
      'PID|1||1^^^H^MR',
      'OBR|1|||CBC',
      'OBX|1|NM|A||7.2~8',
      'OBX|2|ST|B||a\\S\\b',
      'OBX|3|TX|C||line1\\.br\\line2',
      'OBX|4|CE|D||X^Y^L',
      'OBX|5|CWE|E||P^Q^HL70078^^^^2.5',
      'OBX|6|DT|F||20240101',
      'OBX|7|TS|G||20240101120000^S',
      'OBX|8|SN|H||>^10^:^20',
      'OBX|9|ZZ|I||a^b',
      'OBX|10||J||""',
      'OBX|11|ED|K||APP^TEXT^^Base64^QUJD',
      'OBX|12|FT|L||a\\F\\b\\H\\bold\\N\\',
    ].join('\r'),
  );
  const values = (doc['obx'] as Json[]).map((o) => [o['value_type'] ?? null, o['observation_value']]);

  it('primitives (NM, ST, TX, DT, FT) are strings, one per repetition, escapes decoded, formatting kept', () => {
    expect(values[0]).toEqual(['NM', ['7.2', '8']]);
    expect(values[1]).toEqual(['ST', ['a^b']]);
    expect(values[2]).toEqual(['TX', ['line1\\.br\\line2']]);
    expect(values[5]).toEqual(['DT', ['20240101']]);
    expect(values[11]).toEqual(['FT', ['a|b\\H\\bold\\N\\']]);
  });

  it('composites (CE, CWE, TS, SN, ED) are objects named by the OBX-2 datatype', () => {
    expect(values[3]).toEqual(['CE', [{ identifier: 'X', text: 'Y', name_of_coding_system: 'L' }]]);
    expect(values[4]).toEqual(['CWE', [{ identifier: 'P', text: 'Q', name_of_coding_system: 'HL70078', coding_system_version_id: '2.5' }]]);
    expect(values[6]).toEqual(['TS', [{ time: '20240101120000', degree_of_precision: 'S' }]]);
    expect(values[7]).toEqual(['SN', [{ comparator: '>', num1: '10', separator_suffix: ':', num2: '20' }]]);
    expect(values[10]).toEqual(['ED', [{ source_application: { namespace_id: 'APP' }, type_of_data: 'TEXT', encoding: 'Base64', data: 'QUJD' }]]);
  });

  it('an unknown or empty OBX-2 gives positional components; "" is null', () => {
    expect(values[8]).toEqual(['ZZ', [{ component_1: 'a', component_2: 'b' }]]);
    expect(values[9]).toEqual([null, [null]]);
  });

  it("the text is the reference writer's, byte for byte", () => {
    const m = parseMessage('MSH|^~\\&|LAB|H|||20240101||ORU^R01^ORU_R01|C1|P|2.5.1\rOBX|1|SN|H||>^10\r');
    expect(toStagingJsonText(m)).toBe(referenceStagingText(m));
  });
});

describe('null, empty, positional keys, _meta', () => {
  const doc = stage(
    [
      'MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5',
      'EVN||20240101',
      // PID-40 is beyond the 39 fields of PID in 2.5.
      `PID|1||""~7^^^""||^J~""${'|'.repeat(35)}extra1^x`,
      'PV1|1|I',
      'ZPI|a||b^c&d~e|""||',
    ].join('\r'),
  );
  const pid = doc['pid'] as Json;

  it('"" is null at field, repetition and component level; empty values are omitted', () => {
    expect(pid['patient_identifier_list']).toEqual([null, { id_number: '7', assigning_authority: null }]);
    expect(pid['patient_name']).toEqual([{ given_name: 'J' }, null]);
    expect(pid).not.toHaveProperty('patient_id');
    expect(Object.keys(doc['pv1'] as Json)).toEqual(['set_id_pv1', 'patient_class']);
  });

  it('fields beyond the dictionary and Z-segments get positional keys (HL7 numbering)', () => {
    expect(pid['field_40']).toEqual({ component_1: 'extra1', component_2: 'x' });
    expect(doc['zpi']).toEqual([
      { field_1: 'a', field_3: [{ component_1: 'b', component_2: { subcomponent_1: 'c', subcomponent_2: 'd' } }, 'e'], field_4: null },
    ]);
  });

  it('_meta holds version, dictionary version, structure and every warning with code and location', () => {
    const meta = doc['_meta'] as {
      version: string;
      dictionaryVersion: string;
      structure: string;
      warnings: { code: string; location: string; line: number }[];
    };
    expect(meta).toMatchObject({ version: '2.5', dictionaryVersion: '2.5', structure: 'ADT_A01' });
    const unknownField = meta.warnings.find((w) => w.code === 'FIELD_UNKNOWN');
    expect(unknownField).toMatchObject({ location: 'PID[1]-40', line: 3 });
  });
});

describe('one shape per message type, whatever the message holds', () => {
  const shape = (v: unknown): unknown =>
    Array.isArray(v)
      ? ['array']
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, Array.isArray(x) ? 'array' : typeof x]))
        : typeof v;

  it('ORU_R01 with one OBX or with two orders of many: the same keys are arrays', () => {
    const small = stage('MSH|^~\\&|L|H|||20240101||ORU^R01^ORU_R01|1|P|2.5.1\rPID|1||1^^^H^MR||DOE^J\rOBR|1|||X\rOBX|1|NM|A||1\r');
    const big = stage(
      'MSH|^~\\&|L|H|||20240101||ORU^R01^ORU_R01|2|P|2.5.1\rPID|1||1^^^H^MR~2^^^H^SS||DOE^J~ROE^K\r' +
        'OBR|1|||X\rOBX|1|NM|A||1~2\rOBX|2|NM|B||3\rOBR|2|||Y\rOBX|1|NM|C||4\rNTE|1||n\r',
    );
    for (const key of ['pid', 'obr', 'obx']) {
      expect(Array.isArray(small[key])).toBe(true);
      expect(Array.isArray(big[key])).toBe(true);
    }
    expect(Array.isArray(small['msh'])).toBe(false);
    const pidSmall = (small['pid'] as Json[])[0] as Json;
    const pidBig = (big['pid'] as Json[])[0] as Json;
    // Repeating fields are arrays with one repetition as with two.
    expect(shape(pidSmall)).toEqual(shape(pidBig));
    expect(pidSmall['patient_name']).toEqual([{ family_name: { surname: 'DOE' }, given_name: 'J' }]);
    expect(((small['obx'] as Json[])[0] as Json)['observation_value']).toEqual(['1']);
  });
});

describe('the two hl7apy failure modes do not happen here', () => {
  const pid: string[] = ['PID', '1', '', '1^^^H^MR', '', 'DOE^J&K'];
  pid[11] = '1 Main^^City^^^^H&X';
  pid[32] = 'A~B~C';
  const doc = stage(`MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5\rEVN||20240101\r${Array.from(pid, (f) => f ?? '').join('|')}\rPV1|1|I\r`);
  const p = doc['pid'] as Json;

  it('every repetition of a repeating primitive field is kept (PID-32, IS)', () => {
    expect(p['identity_reliability_code']).toEqual(['A', 'B', 'C']);
  });

  it('subcomponents sent in a primitive component (ST given name, ID address type) are kept', () => {
    expect((p['patient_name'] as Json[])[0]).toEqual({ family_name: { surname: 'DOE' }, given_name: 'J&K' });
    expect((p['patient_address'] as Json[])[0]).toMatchObject({ city: 'City', address_type: 'H&X' });
  });
});
