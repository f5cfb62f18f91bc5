import { describe, expect, it } from '@jest/globals';
import { buildAck, hl7Timestamp, Hl7AckError, newControlId, versionRank, type AckCode } from '../../src/ack/build-ack';
import { escapeValue, DEFAULT_DELIMITERS } from '../../src/ack/escape';
import { hl7ErrorCodeFor } from '../../src/ack/error-codes';
import type { Diagnostic } from '../../src/schema/diagnostics';

const NOW = new Date(Date.UTC(2024, 5, 1, 8, 30, 5));

const header = {
  delimiters: { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' },
  controlId: 'CTRL123',
  messageType: 'ADT^A01',
  triggerEvent: 'A01',
  version: '2.5.1',
  processingId: 'P',
  sendingApplication: 'SENDAPP^1.2.3^ISO',
  sendingFacility: 'SENDFAC',
  receivingApplication: 'RECVAPP',
  receivingFacility: 'RECVFAC',
};

function fields(segment: string, sep = '|'): string[] {
  return segment.split(sep);
}

function segments(ack: string): string[] {
  expect(ack.endsWith('\r')).toBe(true);
  return ack.slice(0, -1).split('\r');
}

const missingName: Diagnostic = {
  code: 'REQUIRED_FIELD_MISSING',
  severity: 'error',
  message: 'required field is empty',
  location: 'PID[1]-5',
  line: 3,
  column: 1,
  segment: 'PID',
  segmentRepetition: 1,
  field: 5,
};
const badTable: Diagnostic = {
  code: 'TABLE_VALUE_UNKNOWN',
  severity: 'warning',
  message: 'value not in table 0001',
  location: 'PID[1]-8',
  line: 3,
  column: 40,
  segment: 'PID',
  segmentRepetition: 1,
  field: 8,
  repetition: 1,
  component: 1,
};
const deepEscape: Diagnostic = {
  code: 'BAD_ESCAPE',
  severity: 'warning',
  message: 'malformed escape sequence',
  location: 'OBX[2]-5[2].4.2',
  line: 9,
  column: 12,
  segment: 'OBX',
  segmentRepetition: 2,
  field: 5,
  repetition: 2,
  component: 4,
  subcomponent: 2,
};
const lineOnly: Diagnostic = { code: 'NON_SEGMENT_LINE', severity: 'warning', message: 'line is not a segment', location: 'line 7', line: 7, column: 1 };

describe('buildAck: MSH and MSA', () => {
  it('swaps sender and receiver, keeps version and processing id, sets ACK^event^ACK', () => {
    const ack = buildAck(header, { code: 'AA', controlId: 'ACK1', now: NOW });
    const [msh, msa, ...rest] = segments(ack);
    expect(rest).toEqual([]);
    const f = fields(msh ?? '');
    expect(f[0]).toBe('MSH');
    expect(f[1]).toBe('^~\\&');
    expect(f[2]).toBe('RECVAPP');
    expect(f[3]).toBe('RECVFAC');
    expect(f[4]).toBe('SENDAPP^1.2.3^ISO');
    expect(f[5]).toBe('SENDFAC');
    expect(f[6]).toBe('20240601083005+0000');
    expect(f[8]).toBe('ACK^A01^ACK');
    expect(f[9]).toBe('ACK1');
    expect(f[10]).toBe('P');
    expect(f[11]).toBe('2.5.1');
    expect(msa).toBe('MSA|AA|CTRL123');
  });

  it.each(['AA', 'AE', 'AR', 'CA', 'CE', 'CR'] as const)('writes %s in MSA-1', (code: AckCode) => {
    const [, msa] = segments(buildAck(header, { code, now: NOW }));
    expect(fields(msa ?? '')[1]).toBe(code);
    expect(fields(msa ?? '')[2]).toBe('CTRL123');
  });

  it('refuses an unknown code with its own error', () => {
    expect(() => buildAck(header, { code: 'XX' as AckCode })).toThrow(Hl7AckError);
  });

  it('uses two MSH-9 components before v2.3.1 (no message structure yet)', () => {
    const [msh] = segments(buildAck({ ...header, version: '2.3' }, { code: 'AA', now: NOW }));
    expect(fields(msh ?? '')[8]).toBe('ACK^A01');
    const [msh231] = segments(buildAck({ ...header, version: '2.3.1' }, { code: 'AA', now: NOW }));
    expect(fields(msh231 ?? '')[8]).toBe('ACK^A01^ACK');
  });

  it('generates a fresh 20-character control id when none is given', () => {
    const a = fields(segments(buildAck(header, { code: 'AA' }))[0] ?? '')[9];
    const b = fields(segments(buildAck(header, { code: 'AA' }))[0] ?? '')[9];
    expect(a).toMatch(/^A[0-9A-Z]{19}$/);
    expect(a).not.toBe(b);
    expect(newControlId()).toHaveLength(20);
  });

  it('accepts a message (object with a header) as well as a header', () => {
    expect(buildAck({ header }, { code: 'AE', controlId: 'X', now: NOW })).toBe(buildAck(header, { code: 'AE', controlId: 'X', now: NOW }));
  });

  it('puts the text in MSA-3 before v2.7, escaped with the message delimiters', () => {
    const [, msa] = segments(buildAck(header, { code: 'AR', text: 'rejected: type|version^bad', now: NOW }));
    expect(msa).toBe('MSA|AR|CTRL123|rejected: type\\F\\version\\S\\bad');
  });

  it('from v2.7 on, carries the text in ERR-8 since MSA-3 is withdrawn', () => {
    const out = segments(buildAck({ ...header, version: '2.7' }, { code: 'AE', text: 'could not store', now: NOW }));
    expect(out[1]).toBe('MSA|AE|CTRL123');
    expect(out[2]).toBe('ERR|||207^Application internal error^HL70357|E||||could not store');
    const accepted = segments(buildAck({ ...header, version: '2.8' }, { code: 'AA', text: 'ok', now: NOW }));
    expect(accepted[2]).toBe('ERR|||0^Message accepted^HL70357|I||||ok');
  });

  it('writes with the message own delimiters', () => {
    const custom = { ...header, delimiters: { field: '#', component: '!', repetition: '*', escape: '$', subcomponent: '%' }, sendingApplication: 'APP^X' };
    const out = segments(buildAck(custom, { code: 'AE', diagnostics: [deepEscape], text: 'a#b', now: NOW }));
    expect(out[0]?.startsWith('MSH#!*$%#RECVAPP#RECVFAC#APP!X#')).toBe(true);
    expect(out[1]).toBe('MSA#AE#CTRL123#a$F$b');
    expect(out[2]).toBe('ERR##OBX!2!5!2!4!2#102!Data type error!HL70357#W#BAD_ESCAPE##malformed escape sequence');
  });
});

describe('buildAck: ERR segments', () => {
  it('v2.5+: one ERR per diagnostic with ERL location, table 0357 code, severity, our code and description', () => {
    const out = segments(buildAck(header, { code: 'AE', diagnostics: [missingName, badTable, deepEscape, lineOnly], now: NOW }));
    expect(out.slice(2)).toEqual([
      'ERR||PID^1^5^1|101^Required field missing^HL70357|E|REQUIRED_FIELD_MISSING||required field is empty',
      'ERR||PID^1^8^1^1|103^Table value not found^HL70357|W|TABLE_VALUE_UNKNOWN||value not in table 0001',
      'ERR||OBX^2^5^2^4^2|102^Data type error^HL70357|W|BAD_ESCAPE||malformed escape sequence',
      'ERR|||100^Segment sequence error^HL70357|W|NON_SEGMENT_LINE||line is not a segment (line 7)',
    ]);
  });

  it('v2.3/v2.4: a single ERR whose repeating ERR-1 holds one ELD per diagnostic, MSA-6 the first error', () => {
    for (const version of ['2.3', '2.4', '2.2']) {
      const out = segments(buildAck({ ...header, version }, { code: 'AE', diagnostics: [badTable, missingName], now: NOW }));
      expect(out[1]).toBe('MSA|AE|CTRL123||||101^Required field missing^HL70357');
      expect(out[2]).toBe('ERR|PID^1^8^103&Table value not found&HL70357~PID^1^5^101&Required field missing&HL70357');
      expect(out).toHaveLength(3);
    }
  });

  it('maps value-too-long to 104 only from v2.6 on', () => {
    expect(hl7ErrorCodeFor('VALUE_TOO_LONG', versionRank('2.6')).code).toBe('104');
    expect(hl7ErrorCodeFor('VALUE_TOO_LONG', versionRank('2.5.1')).code).toBe('102');
    expect(hl7ErrorCodeFor('SOMETHING_ELSE', versionRank('2.5')).code).toBe('207');
    expect(hl7ErrorCodeFor('REQUIRED_SEGMENT_MISSING', versionRank('2.5')).code).toBe('100');
  });
});

describe('ack helpers', () => {
  it('escapes every delimiter, the escape character and line breaks', () => {
    expect(escapeValue('a|b^c~d\\e&f\rg\nh', DEFAULT_DELIMITERS)).toBe('a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\X0D\\g\\X0A\\h');
    expect(escapeValue('x#y', { ...DEFAULT_DELIMITERS, truncation: '#' })).toBe('x\\P\\y');
    expect(escapeValue('a|b^c', { ...DEFAULT_DELIMITERS, escape: '' })).toBe('a b c');
  });

  it('orders versions and formats UTC timestamps', () => {
    expect(versionRank('2.5.1')).toBeGreaterThan(versionRank('2.5'));
    expect(versionRank('2.10')).toBeGreaterThan(versionRank('2.9'));
    expect(versionRank(undefined)).toBe(versionRank('2.5'));
    expect(hl7Timestamp(new Date(Date.UTC(2001, 0, 2, 3, 4, 5)))).toBe('20010102030405+0000');
  });
});
