/**
 * MSH-18 character sets decoded from bytes: ASCII, UTF-8, ISO 8859-1 (read as its
 * Windows-1252 superset), unknown names (UTF-8 + warning) and invalid UTF-8 (Windows-1252
 * fallback + warning).
 */
import { describe, expect, it } from '@jest/globals';
import { charsetOf, normalize, parseMessage, readHeader, serialize, splitMessages } from '../../src/index';
import { adt, corpusBytes, latin1, utf8 } from './support';

const withPid3 = (pid3: string, msh18: string): string => adt({ pid3, msh18 });

describe('MSH-18 character sets from bytes', () => {
  it('ASCII', () => {
    const m = parseMessage(latin1(withPid3('PLAIN', 'ASCII')));
    expect(m.get('PID-3')).toBe('PLAIN');
    expect(m.get('MSH-18')).toBe('ASCII');
    expect(m.diagnostics).toEqual([]);
  });

  it.each(['UNICODE UTF-8', 'UTF-8', ''])('UTF-8 (MSH-18 %j): multi-byte characters decoded', (msh18) => {
    const value = 'Zoë 😀 Ωμέγα 日本';
    const m = parseMessage(utf8(withPid3(value, msh18)));
    expect(m.get('PID-3')).toBe(value);
    expect(m.diagnostics).toEqual([]);
    expect(serialize(m)).toBe(withPid3(value, msh18));
  });

  it('ISO 8859-1 ("8859/1"): one byte per character', () => {
    const m = parseMessage(latin1(withPid3('Zo\u00eb M\u00fcller \u00c5se', '8859/1')));
    expect(m.get('PID-3')).toBe('Zoë Müller Åse');
    expect(m.header.charset).toBe('8859/1');
    expect(m.diagnostics).toEqual([]);
  });

  it('Windows-1252 bytes senders put in 8859/1 messages: 0x80 euro, 0x93/0x94 quotes, 0x96 dash', () => {
    const bytes = latin1(withPid3('\x80 5 \x93quoted\x94 \x96 x', '8859/1'));
    const m = parseMessage(bytes);
    expect(m.get('PID-3')).toBe('€ 5 “quoted” – x');
    expect(m.diagnostics).toEqual([]);
    expect(normalize(bytes)).toBe(withPid3('€ 5 “quoted” – x', '8859/1'));
  });

  it('8859/15 decodes 0xA4 as the euro sign', () => {
    expect(parseMessage(latin1(withPid3('\xa4', '8859/15'))).get('PID-3')).toBe('€');
  });

  it('MSH-18 with repetitions uses the first one', () => {
    const m = parseMessage(latin1(withPid3('\xe9', '8859/1~UNICODE UTF-8')));
    expect(m.get('PID-3')).toBe('é');
  });

  it('an unknown charset name decodes as UTF-8 with an UNKNOWN_CHARSET warning at MSH-18', () => {
    const m = parseMessage(utf8(withPid3('Zoë', 'KLINGON-8')));
    expect(m.get('PID-3')).toBe('Zoë');
    expect(m.diagnostics).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_CHARSET', severity: 'warning', location: 'MSH[1]-18', line: 1, segment: 'MSH', field: 18 }),
    ]);
  });

  it('invalid UTF-8 falls back to Windows-1252 with a CHARSET_FALLBACK warning', () => {
    const m = parseMessage(latin1(withPid3('M\xfcller \x80', 'UNICODE UTF-8')));
    expect(m.get('PID-3')).toBe('Müller €');
    expect(m.diagnostics.map((d) => [d.code, d.severity, d.location])).toEqual([['CHARSET_FALLBACK', 'warning', 'MSH[1]-18']]);
  });

  it('no MSH-18 and invalid UTF-8 (python-hl7 corpus file with a cp1252 en dash)', () => {
    const bytes = corpusBytes('python-hl7/tests/test_parse.py.extracted/01_L241_test_non_ascii_bytestring.hl7');
    expect(bytes.includes(0x96)).toBe(true);
    const m = parseMessage(bytes);
    expect(m.get('MSH-4')).toBe('ELAB–3');
    expect(m.diagnostics.map((d) => d.code)).toContain('CHARSET_FALLBACK');
    expect(serialize(m)).toBe(normalize(bytes));
  });

  it('a string input is taken as already decoded (MSH-18 only drives \\X escapes)', () => {
    const m = parseMessage(withPid3('Müller', '8859/1'));
    expect(m.get('PID-3')).toBe('Müller');
  });

  it('readHeader and splitMessages decode with the same charset', () => {
    const bytes = latin1(withPid3('\x93x\x94', '8859/1').replace('SENDAPP', 'S\xe9ND'));
    expect(readHeader(bytes).sendingApplication).toBe('SéND');
    const split = splitMessages(bytes);
    expect(split.messages[0]?.text).toContain('“x”');
  });

  it('charsetOf maps MSH-18 names to decoders and returns undefined for unknown ones', () => {
    expect(charsetOf('8859/1')).toBe('windows-1252');
    expect(charsetOf(' unicode utf-8 ')).toBe('utf-8');
    expect(charsetOf('ASCII')).toBe('ascii');
    expect(charsetOf(undefined)).toBe('utf-8');
    expect(charsetOf('EBCDIC')).toBeUndefined();
  });
});

describe('a UTF-8 BOM in front of a non-UTF-8 message', () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
  const withBom = (text: string): Uint8Array => new Uint8Array([...bom, ...latin1(text)]);

  it('MSH-18 8859/1 is still read: Windows-1252 bytes decode with no warning and no BOM left', () => {
    const m = parseMessage(withBom(withPid3('Caf\xe9 \x80', '8859/1')));
    expect(m.get('PID-3')).toBe('Café €');
    expect(m.diagnostics).toEqual([]);
    expect(serialize(m)).toBe(withPid3('Café €', '8859/1'));
  });

  it('an unknown MSH-18 behind a BOM is still reported', () => {
    const m = parseMessage(withBom(withPid3('x', 'KLINGON-8')));
    expect(m.diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_CHARSET']);
  });

  it('invalid UTF-8 behind a BOM falls back without leaving the BOM as text', () => {
    const bytes = withBom(withPid3('M\xfcller', ''));
    const m = parseMessage(bytes);
    expect(m.get('PID-3')).toBe('Müller');
    expect(m.diagnostics.map((d) => d.code)).toEqual(['CHARSET_FALLBACK']);
    expect(normalize(bytes).startsWith('MSH|')).toBe(true);
  });
});
