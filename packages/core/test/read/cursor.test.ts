import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeCursor, encodeCursor, fingerprint, QueryParameterError } from '../../src/index';

describe('opaque cursors', () => {
  it('fingerprints filters regardless of key order, and tells different filters apart', () => {
    expect(fingerprint({ a: 1, b: 'x' })).toBe(fingerprint({ b: 'x', a: 1 }));
    expect(fingerprint({ a: undefined })).toBe(fingerprint({ a: null }));
    expect(fingerprint({ source: ['a'] })).not.toBe(fingerprint({ source: ['b'] }));
    expect(fingerprint({ status: 'error' })).not.toBe(fingerprint({ type: 'error' }));
  });

  it('round-trips any position for the same filters', () => {
    fc.assert(
      fc.property(fc.nat(), fc.option(fc.string(), { nil: undefined }), fc.string(), (p, c, filter) => {
        const fp = fingerprint({ filter });
        const state = c === undefined ? { p } : { p, c };
        expect(decodeCursor(fp, encodeCursor(fp, state))).toEqual(state);
      }),
    );
  });

  it('starts at the beginning without a cursor', () => {
    expect(decodeCursor('x', undefined)).toEqual({ p: 0 });
  });

  it.each([
    ['not base64 json', 'not a cursor!'],
    ['another query', encodeCursor(fingerprint({ q: 2 }), { p: 0 })],
    ['a negative position', Buffer.from(JSON.stringify({ f: fingerprint({ q: 1 }), p: -1 })).toString('base64url')],
    ['a non-string inner cursor', Buffer.from(JSON.stringify({ f: fingerprint({ q: 1 }), p: 0, c: 5 })).toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
  ])('refuses %s with a parameter error on cursor', (_what, text) => {
    let caught: unknown;
    try {
      decodeCursor(fingerprint({ q: 1 }), text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QueryParameterError);
    expect((caught as QueryParameterError).parameter).toBe('cursor');
  });
});
