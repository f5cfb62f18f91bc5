import { describe, expect, it } from '@jest/globals';
import { canRead, canWrite, chooseSubmitSource, READ_CLAIM, sourcesOf, WRITE_CLAIM, type Claims } from '../src/abac';
import { AccessDeniedError, ValidationError } from '../src/errors';

const claims = (write?: unknown, read?: unknown): Claims => ({
  sub: 'user-1',
  ...(write === undefined ? {} : { [WRITE_CLAIM]: write }),
  ...(read === undefined ? {} : { [READ_CLAIM]: read }),
});

describe('deny by default', () => {
  it.each([
    ['no claims at all', undefined],
    ['an empty claim set', {}],
    ['claims without the hcdl attributes', { sub: 'x', scope: 'openid', 'cognito:groups': ['admin'] }],
  ])('grants nothing for %s', (_title, c) => {
    expect(canRead(c as Claims | undefined, 'lab')).toBe(false);
    expect(canWrite(c as Claims | undefined, 'lab')).toBe(false);
  });

  it.each([
    ['an empty string', ''],
    ['only separators and spaces', ' , ,, '],
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['an object', { lab: true }],
    ['an empty array', []],
  ])('grants nothing when the claim is %s', (_title, value) => {
    expect(canRead(claims(value, value), 'lab')).toBe(false);
    expect(canWrite(claims(value, value), 'lab')).toBe(false);
    expect(canRead(claims(value, value), '42')).toBe(false);
    expect(sourcesOf(claims(value, value), READ_CLAIM)).toEqual([]);
  });

  it('grants nothing for an empty source name or a claim of only commas', () => {
    expect(sourcesOf(claims(',,'), WRITE_CLAIM)).toEqual([]);
    expect(canWrite(claims('lab'), '')).toBe(false);
  });
});

describe('read and write are separate rights', () => {
  it('write does not imply read, nor read write', () => {
    expect(canWrite(claims('lab'), 'lab')).toBe(true);
    expect(canRead(claims('lab'), 'lab')).toBe(false);
    expect(canRead(claims(undefined, 'lab'), 'lab')).toBe(true);
    expect(canWrite(claims(undefined, 'lab'), 'lab')).toBe(false);
  });

  it('grants exactly the listed sources (comma-separated, spaces trimmed)', () => {
    const c = claims(' lab , ris,pacs ', 'lab');
    for (const s of ['lab', 'ris', 'pacs']) expect(canWrite(c, s)).toBe(true);
    expect(canWrite(c, 'adt')).toBe(false);
    expect(sourcesOf(c, WRITE_CLAIM)).toEqual(['lab', 'ris', 'pacs']);
  });

  it('matches source names exactly: no prefix, substring or case folding', () => {
    const c = claims('lab', 'lab');
    for (const s of ['la', 'lab2', 'LAB', 'lab ', 'my-lab']) {
      expect(canWrite(c, s)).toBe(false);
      expect(canRead(c, s)).toBe(false);
    }
  });

  it('accepts the claim as an array of source ids (and of comma lists)', () => {
    const c = claims(['lab', 'ris,pacs'], ['lab']);
    expect(sourcesOf(c, WRITE_CLAIM)).toEqual(['lab', 'ris', 'pacs']);
    expect(canWrite(c, 'pacs')).toBe(true);
    expect(canRead(c, 'ris')).toBe(false);
  });
});

describe('wildcard', () => {
  it('"*" grants every source, for its own right only', () => {
    const c = claims('*', 'lab');
    for (const s of ['lab', 'ris', 'anything-else']) expect(canWrite(c, s)).toBe(true);
    expect(canRead(c, 'ris')).toBe(false);
  });

  it('"*" among other sources still grants every source', () => {
    expect(canRead(claims(undefined, 'lab, *'), 'ris')).toBe(true);
  });

  it('is no glob: "lab*" or "*lab" grant only a source of that exact name', () => {
    const c = claims('lab*,*lab', 'lab*');
    expect(canWrite(c, 'lab-1')).toBe(false);
    expect(canWrite(c, 'mylab')).toBe(false);
    expect(canWrite(c, 'lab*')).toBe(true);
    expect(canRead(c, 'lab')).toBe(false);
  });
});

describe('chooseSubmitSource', () => {
  it('takes the requested source when the write claim allows it', () => {
    expect(chooseSubmitSource(claims('lab,ris'), 'ris')).toBe('ris');
    expect(chooseSubmitSource(claims('*'), 'any-source')).toBe('any-source');
  });

  it('takes the only source of the write claim when none is requested (or an empty one)', () => {
    expect(chooseSubmitSource(claims('lab'))).toBe('lab');
    expect(chooseSubmitSource(claims(' lab '), '')).toBe('lab');
  });

  it('refuses a requested source the claim does not grant (AccessDeniedError)', () => {
    expect(() => chooseSubmitSource(claims('lab'), 'ris')).toThrow(AccessDeniedError);
    expect(() => chooseSubmitSource(claims('lab', 'ris'), 'ris')).toThrow(AccessDeniedError);
  });

  it('refuses a token without write right, whatever it requests (AccessDeniedError)', () => {
    for (const c of [undefined, {}, claims(''), claims(undefined, '*'), claims(7)]) {
      expect(() => chooseSubmitSource(c, 'lab')).toThrow(AccessDeniedError);
      expect(() => chooseSubmitSource(c)).toThrow(AccessDeniedError);
    }
  });

  it('asks to name a source when the claim grants several or all (ValidationError)', () => {
    expect(() => chooseSubmitSource(claims('lab,ris'))).toThrow(ValidationError);
    expect(() => chooseSubmitSource(claims('*'))).toThrow(ValidationError);
    expect(() => chooseSubmitSource(claims('*'))).not.toThrow(AccessDeniedError);
  });
});
