/**
 * Delimiters come from MSH-1 / MSH-2 whatever characters the sender chose; 3-, 4- and
 * 5-character MSH-2 are read as in the corpus; only an unusable field separator or a missing
 * MSH is fatal, and then with the package's typed error.
 */
import { describe, expect, it } from '@jest/globals';
import { Hl7Error, Hl7FatalError, parseMessage, readHeader, serialize, splitMessages } from '../../src/index';
import { adt, corpusBytes } from './support';

function fatalOf(run: () => unknown): Hl7FatalError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(Hl7FatalError);
    expect(e).toBeInstanceOf(Hl7Error);
    expect((e as Error).name).toBe('Hl7FatalError');
    return e as Hl7FatalError;
  }
  throw new Error('expected an Hl7FatalError');
}

describe('MSH-1 and MSH-2: any characters', () => {
  it('reads the default separators', () => {
    const m = parseMessage(adt());
    expect(m.delimiters).toEqual({ field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&', truncation: '', encodingCharacters: '^~\\&' });
  });

  it.each([
    ['#', '$%*@'],
    ['_', '^~\\&'],
    ['$', '%~\\&'],
    ['^', '@~\\&'],
  ])('field separator %j with MSH-2 %j', (fs, enc) => {
    const [c, r, e, s] = [...enc] as [string, string, string, string];
    const pid3 = `A1${c}${c}${c}AUTH${s}1.2.3${s}ISO${r}B2`;
    const m = parseMessage(adt({ fs, enc, pid3 }));
    expect(m.delimiters).toMatchObject({ field: fs, component: c, repetition: r, escape: e, subcomponent: s });
    expect(m.get('PID-3.1')).toBe('A1');
    expect(m.get('PID-3.4.2')).toBe('1.2.3');
    expect(m.get('PID-3[2].1')).toBe('B2');
    expect(m.get('MSH-9.2')).toBe('A01');
    expect(m.get('MSH-1')).toBe(fs);
    expect(m.get('MSH-2')).toBe(enc);
    expect(serialize(m)).toBe(adt({ fs, enc, pid3 }));
  });

  it('a separator character written as data is read through its escape in the new set', () => {
    // With '#' as field separator, '|' is plain data and '\F\' stands for '#'.
    const m = parseMessage(adt({ fs: '#', pid3: 'a|b\\F\\c' }));
    expect(m.get('PID-3')).toBe('a|b#c');
  });

  it('the corpus file with "_" as field separator (medplum non-standard encoding)', () => {
    const m = parseMessage(corpusBytes('medplum/packages/core/src/hl7.test.ts.extracted/08_L55_text_Non-standard_encoding.hl7'));
    expect(m.delimiters.field).toBe('_');
    expect(m.get('MSH-9.1')).toBe('ACK');
    expect(m.get('MSA-1')).toBe('AA');
    expect(m.get('MSH-12')).toBe('2.6.1');
  });

  it('the corpus file with "$" fields and "%" components (python-hl7)', () => {
    const m = parseMessage(corpusBytes('python-hl7/tests/test_parse.py.extracted/02_L258_nonstd_test_nonstandard_separators.hl7'));
    expect(m.delimiters).toMatchObject({ field: '$', component: '%' });
    expect(m.get('PID-5.1')).toBe('EVERYWOMAN');
    expect(m.get('PID-5.2')).toBe('EVE');
  });
});

describe('MSH-2 length variants', () => {
  it('3 characters "^~&" (US-realm ELR): no escape character, & stays the subcomponent separator', () => {
    const m = parseMessage(adt({ enc: '^~&', pid3: 'X^^^AUTH&1.2&ISO' }));
    expect(m.delimiters).toMatchObject({ component: '^', repetition: '~', escape: '', subcomponent: '&' });
    expect(m.get('PID-3.4.2')).toBe('1.2');
    expect(m.diagnostics.map((d) => d.code)).toContain('ENCODING_CHARACTERS_SHORT');
    const d = m.diagnostics.find((x) => x.code === 'ENCODING_CHARACTERS_SHORT');
    expect(d).toMatchObject({ severity: 'warning', location: 'MSH[1]-2', line: 1, column: 5 });
  });

  it('3 characters: a backslash is then plain data (no escape is decoded)', () => {
    const m = parseMessage(adt({ enc: '^~&', pid3: 'A\\F\\B' }));
    expect(m.get('PID-3')).toBe('A\\F\\B');
    expect(serialize(m)).toBe(adt({ enc: '^~&', pid3: 'A\\F\\B' }));
  });

  it('the ruby-hl7 3-character MSH-2 "^\\&" in MLLP framing parses and round-trips', () => {
    const m = parseMessage(corpusBytes('ruby-hl7/test_data/adt_a01.hl7'));
    expect(m.delimiters.encodingCharacters).toBe('^\\&');
    expect(m.delimiters.component).toBe('^');
    expect(m.delimiters.subcomponent).toBe('&');
    expect(m.segments[0]?.id).toBe('MSH');
  });

  it('5 characters "^~\\&#" (v2.7+): the fifth is the truncation character, \\P\\ decodes to it', () => {
    const m = parseMessage(adt({ enc: '^~\\&#', pid3: 'A#B\\P\\C' }));
    expect(m.delimiters.truncation).toBe('#');
    expect(m.delimiters.escape).toBe('\\');
    // The truncation character is data, never a separator.
    expect(m.get('PID-3')).toBe('A#B#C');
    expect(m.get('MSH-2')).toBe('^~\\&#');
    expect(serialize(m)).toBe(adt({ enc: '^~\\&#', pid3: 'A#B\\P\\C' }));
  });

  it('5 characters in the corpus (healthcare-data-harmonization oml_o21_ex1)', () => {
    const m = parseMessage(corpusBytes('healthcare-data-harmonization/wstl1/mapping_configs/hl7v2_fhir_r4/oml_o21_ex1.hl7'));
    expect(m.delimiters).toMatchObject({ component: '^', repetition: '~', escape: '\\', subcomponent: '&', truncation: '#', encodingCharacters: '^~\\&#' });
    expect(m.header.messageCode).toBe('OML');
  });

  it('the 5-character "^~\\\\&" MSH-2 of LinuxForHealth samples keeps every character as sent', () => {
    const unix = parseMessage(corpusBytes('hl7v2-fhir-converter/src/test/resources/sample_unix.hl7'));
    const win = parseMessage(corpusBytes('hl7v2-fhir-converter/src/test/resources/sample_win.hl7'));
    expect(unix.delimiters.encodingCharacters).toBe('^~\\\\&');
    expect(win.delimiters.encodingCharacters).toBe('^~\\\\&');
    expect(unix.get('PID-5.1')).toBe('DOE');
    expect(win.get('PID-5.1')).toBe('DOE');
    expect(unix.getAll('PID-3.1')).toEqual(['PID1234', '1234568965']);
  });

  it('an empty MSH-2 means the default separators, with a warning', () => {
    const m = parseMessage('MSH||A|B\rPID|1||X^Y~Z\r');
    expect(m.delimiters).toMatchObject({ component: '^', repetition: '~', escape: '\\', subcomponent: '&' });
    expect(m.getAll('PID-3')).toEqual(['X', 'Z']);
    expect(m.diagnostics.map((d) => d.code)).toContain('ENCODING_CHARACTERS_MISSING');
  });

  it('readHeader reads the same delimiters cheaply', () => {
    const h = readHeader(adt({ fs: '#', enc: '$%*@' }));
    expect(h.delimiters).toMatchObject({ field: '#', component: '$', repetition: '%', escape: '*', subcomponent: '@' });
    expect(h.messageType).toBe('ADT^A01');
    expect(h.structureId).toBe('ADT_A01');
    expect(h.controlId).toBe('CTRL1');
    expect(h.version).toBe('2.5');
  });
});

describe('fatal input', () => {
  it.each([
    ['a letter', 'MSHH0\r'],
    ['a digit', 'MSH1^~\\&1A\rPID1\r'],
    ['a blank', 'MSH ^~\\& A\r'],
    ['nothing (MSH alone)', 'MSH\rPID|1\r'],
  ])('an MSH whose field separator is %s is BAD_DELIMITERS', (_what, input) => {
    for (const run of [() => parseMessage(input), () => splitMessages(input), () => readHeader(input)]) {
      const e = fatalOf(run);
      expect(e.code).toBe('BAD_DELIMITERS');
      expect(e.diagnostics[0]).toMatchObject({ code: 'BAD_DELIMITERS', severity: 'error', location: 'MSH[1]-1', line: 1, column: 4 });
    }
  });

  it('DEL as field separator is BAD_DELIMITERS', () => {
    expect(fatalOf(() => parseMessage('MSH\x7f^~\\&\x7fA\r')).code).toBe('BAD_DELIMITERS');
  });

  it('the nHapi fuzzer input "MSHH0" from the corpus is BAD_DELIMITERS', () => {
    const e = fatalOf(() => parseMessage(corpusBytes('nHapi/tests/NHapi.NUnit/TestData/BadInputs/LegacyPipeParser/EncodingNotSupportedException/nullref1')));
    expect(e.code).toBe('BAD_DELIMITERS');
  });

  it('text with no MSH segment is NO_MSH, located at its first line', () => {
    const e = fatalOf(() => parseMessage('\r\nPID|1||X\rhello\r'));
    expect(e.code).toBe('NO_MSH');
    // The first line that is not blank (blank lines are not counted).
    expect(e.diagnostics[0]).toMatchObject({ code: 'NO_MSH', location: 'line 1', line: 1 });
    expect(fatalOf(() => splitMessages('this is not HL7')).code).toBe('NO_MSH');
  });

  it('"MSH|" inside a field is not an MSH segment', () => {
    expect(fatalOf(() => parseMessage('OBX|1|TX|||MSH|^~\\&|A\r')).code).toBe('NO_MSH');
  });

  it.each([[''], ['\r\n\r\n'], ['\u000b\u001c\r'], ['\ufeff']])('empty input %j is EMPTY_INPUT', (input) => {
    expect(fatalOf(() => parseMessage(input)).code).toBe('EMPTY_INPUT');
    expect(fatalOf(() => parseMessage(new Uint8Array(0))).code).toBe('EMPTY_INPUT');
  });

  it('a fatal error carries no input value in its message', () => {
    const e = fatalOf(() => parseMessage('SECRET-NAME-DOE'));
    expect(e.message).not.toContain('DOE');
    expect(JSON.stringify(e.diagnostics)).not.toContain('DOE');
  });
});
