import { describe, expect, it } from '@jest/globals';
import { getDictionary } from '../../src/dictionary/load';
import { isStageable, type Diagnostic } from '../../src/schema/diagnostics';
import { resolveStructure } from '../../src/schema/structure';
import { checkEncodingCharacters, checkFields, checkMessageShape, checkStructure } from '../../src/schema/validate-rules';
import { simpleView } from './simple-view';

function encodingDiagnostics(enc: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const msh = simpleView(`MSH|${enc}|A`).segments[0];
  if (msh === undefined) throw new Error('no MSH');
  checkEncodingCharacters({ ...msh, fields: [undefined, [['|']], [[enc]], ...msh.fields.slice(3)] }, out);
  return out;
}

describe('MSH-2 encoding characters', () => {
  it.each(['^~\\&', '^~\\&#', '^~&', '^\\&', '$r?@', '^~ &', '^~`&', '^~\\\\&'])('accepts %j as delimiters', (enc) => {
    expect(isStageable(encodingDiagnostics(enc))).toBe(true);
  });

  it.each(['^', '0', '^~', '0000', '^~00', '^&&^', '^~\\&#$', '@%\\&$?!', '^~\\"', '^\u0001\\0', '^\u00fd\u00a0&', '^|\\&'])(
    'rejects %j with a located error',
    (enc) => {
      const d = encodingDiagnostics(enc);
      expect(d).toEqual([expect.objectContaining({ code: 'ENCODING_CHARACTERS_INVALID', severity: 'error', location: 'MSH[1]-2' })]);
    },
  );

  it('warns (not errors) on an empty MSH-2', () => {
    expect(encodingDiagnostics('')).toEqual([expect.objectContaining({ code: 'ENCODING_CHARACTERS_MISSING', severity: 'warning' })]);
  });
});

describe('message shape', () => {
  it('errors on envelope segments inside a message and on two or more non-segment lines', () => {
    const out: Diagnostic[] = [];
    checkMessageShape(simpleView('MSH|^~\\&|A\rEVN|A04\rBHS|^~\\&\rPID|1'), [7, 9], out);
    expect(out.map((d) => [d.code, d.severity, d.location])).toEqual([
      ['ENVELOPE_SEGMENT_IN_MESSAGE', 'error', 'BHS[1]'],
      ['NON_SEGMENT_LINES', 'error', 'line 9'],
    ]);
    const one: Diagnostic[] = [];
    checkMessageShape(simpleView('MSH|^~\\&|A\rPID|1'), [3], one);
    expect(one).toEqual([]);
  });

  it('errors on an MSH-only message with nothing identifying it', () => {
    const out: Diagnostic[] = [];
    checkMessageShape(simpleView('MSH|^~\\&|||||||||||2.7'), [], out);
    expect(out).toEqual([expect.objectContaining({ code: 'EMPTY_MESSAGE', severity: 'error' })]);
    const ok: Diagnostic[] = [];
    checkMessageShape(simpleView('MSH|^~\\&|GHH LAB|ELAB'), [], ok);
    expect(ok).toEqual([]);
  });
});

describe('dictionary checks (warnings only)', () => {
  const er7 = ['MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5', 'PID|1||||DOE||19800101|Q~F', 'ABC|1', 'ZPI|x', 'OBR|1'].join('\r');
  const view = simpleView(er7);
  const res = resolveStructure({ messageCode: 'ADT', triggerEvent: 'A01', structureId: 'ADT_A01', version: '2.5' });
  const dict = getDictionary(res.dictionaryVersion);
  const out: Diagnostic[] = [];
  checkStructure(view, dict, res, out);
  checkFields(view, dict, out);

  it('reports unknown segments, missing segments and fields, table values, repeats', () => {
    const codes = out.map((d) => `${d.code}@${d.location}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'UNKNOWN_SEGMENT@ABC[1]',
        'SEGMENT_NOT_IN_STRUCTURE@OBR[1]',
        'REQUIRED_SEGMENT_MISSING@line 1',
        'REQUIRED_FIELD_MISSING@PID[1]-3',
        'TABLE_VALUE_UNKNOWN@PID[1]-8',
        'FIELD_REPEATED@PID[1]-8[2]',
      ]),
    );
    expect(codes.some((c) => c.startsWith('UNKNOWN_SEGMENT@ZPI'))).toBe(false);
    expect(codes.some((c) => c.startsWith('TABLE_VALUE_UNKNOWN@PID[1]-8[2]'))).toBe(false);
    expect(isStageable(out)).toBe(true);
  });

  it('never puts field values in messages', () => {
    for (const d of out) expect(d.message).not.toMatch(/DOE|19800101/);
  });
});
