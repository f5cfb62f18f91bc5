/**
 * The per-segment field checks that validation works out once per dictionary and segment id
 * (dictionary/field-checks.ts), and the columns of findings that validateMessage locates
 * segment by segment (schema/columns.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { getDictionary } from '../../src/dictionary/load';
import { dictionaryChecks } from '../../src/dictionary/field-checks';
import { parseMessage, validateMessage, type Diagnostic } from '../../src/index';

const dict = getDictionary('2.5');
const describeChecks = (id: string, n: number): string[] =>
  (dictionaryChecks(dict).segment(id)?.tables[n] ?? []).map((t) => `${t.component}:${t.inComposite ? 'component' : 'field'}:${t.table}`);

describe('dictionaryChecks', () => {
  it('is made once per dictionary, and each segment once', () => {
    const checks = dictionaryChecks(dict);
    expect(dictionaryChecks(dict)).toBe(checks);
    expect(checks.segment('PID')).toBe(checks.segment('PID'));
    expect(dictionaryChecks(getDictionary('2.3'))).not.toBe(checks);
  });

  it('knows only the segments the dictionary defines', () => {
    const checks = dictionaryChecks(dict);
    expect(checks.segment('PID')?.def).toBe(dict.segment('PID'));
    expect(checks.segment('ZPI')).toBeUndefined();
    expect(checks.segment('QQQ')).toBeUndefined();
    expect(checks.segment('')).toBeUndefined();
  });

  it('lists required fields, and for MSH those after the delimiters', () => {
    const msh = dictionaryChecks(dict).segment('MSH');
    expect(msh?.required).toEqual([1, 2, 7, 9, 10, 11, 12]);
    expect(msh?.requiredFrom3).toEqual([7, 9, 10, 11, 12]);
    expect(dictionaryChecks(dict).segment('PID')?.required).toEqual([3, 5]);
    expect(dictionaryChecks(dict).segment('EVN')?.requiredFrom3).toEqual([]);
  });

  it('checks a primitive field against its own table', () => {
    expect(describeChecks('PID', 8)).toEqual(['0:field:HL70001']);
    const [sex] = dictionaryChecks(dict).segment('PID')?.tables[8] ?? [];
    expect(sex?.values.has('F')).toBe(true);
    expect(sex?.values.has('Q')).toBe(false);
  });

  it('checks a composite field by its primitive components, never by its own table nor composite components', () => {
    // PID-3 CX: CX-3 (0061) and CX-5 (0203); CX-4 is an HD (composite, table 0363) and is skipped.
    expect(describeChecks('PID', 3)).toEqual(['2:component:HL70061', '4:component:HL70203']);
    // PID-10 CE has table 0005 on the field, but its components carry the checks (CE-3, CE-6).
    expect(describeChecks('PID', 10)).toEqual(['2:component:HL70396', '5:component:HL70396']);
  });

  it('does not check tables the version gives no values for', () => {
    expect(dict.segment('DG1')?.fields[2]?.table).toBe('HL70053');
    expect(dict.table('HL70053')?.size ?? 0).toBe(0);
    expect(describeChecks('DG1', 2)).toEqual([]);
    const ds = validateMessage(parseMessage('MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|2.5\rEVN|A01|20240101\rDG1|1|ANYTHING'));
    expect(ds.filter((d) => d.segment === 'DG1' && d.field === 2)).toEqual([]);
  });
});

describe('validateMessage findings', () => {
  const at = (ds: readonly Diagnostic[], code: string, location: string): Diagnostic | undefined => ds.find((d) => d.code === code && d.location === location);

  it('are located in their own segment when the findings go back to an earlier segment', () => {
    // MSH-12 (structure check) comes before the field checks, which start again at MSH.
    const lines = ['MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|', 'EVN|A01|20240101', 'PID|1||1^^^H^ZZ||DOE||19800101|Q'];
    const ds = validateMessage(parseMessage(lines.join('\r')));
    expect(at(ds, 'VERSION_MISSING', 'MSH[1]-12')).toMatchObject({ line: 1, column: (lines[0] as string).length + 1 });
    expect(at(ds, 'TABLE_VALUE_UNKNOWN', 'PID[1]-3.5')).toMatchObject({ line: 3, column: (lines[2] as string).indexOf('ZZ') + 1 });
    expect(at(ds, 'TABLE_VALUE_UNKNOWN', 'PID[1]-8')).toMatchObject({ line: 3, column: (lines[2] as string).indexOf('|Q') + 2 });
  });

  it('of a segment changed in code are located in its serialized line', () => {
    const m = parseMessage('MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|2.5\rEVN|A01|20240101\rPID|1||1^^^H^MR||DOE||19800101|F');
    const pid = m.segments[2];
    if (pid === undefined) throw new Error('no PID');
    pid.setField(8, 'QQ');
    pid.setField(2, [['X'], ['Y']]);
    const ds = validateMessage(m);
    const line = 'PID|1|X~Y|1^^^H^MR||DOE||19800101|QQ';
    expect(at(ds, 'TABLE_VALUE_UNKNOWN', 'PID[1]-8')).toMatchObject({ column: line.indexOf('QQ') + 1 });
    expect(at(ds, 'FIELD_REPEATED', 'PID[1]-2[2]')).toMatchObject({ column: line.indexOf('Y') + 1 });
  });

  it('keep the parser diagnostics first and unchanged', () => {
    const m = parseMessage('MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|2.5\rPID|1||ab\\Q\\|||19800101|Q');
    const ds = validateMessage(m);
    expect(ds.slice(0, m.diagnostics.length)).toEqual(m.diagnostics);
    expect(ds.length).toBeGreaterThan(m.diagnostics.length);
  });
});
