import { describe, expect, it } from '@jest/globals';
import {
  applyMessagePatch,
  CatalogConflictError,
  checkUpdatable,
  decodePageCursor,
  encodePageCursor,
  filterList,
  linkPair,
  NotFoundError,
  pageLimit,
  planMessagePatch,
  queryInstant,
  ValidationError,
} from '../src/index';
import { messageRecord, T0 } from '../src/testing/catalog-fixtures';

describe('catalog policy shared by the Catalog adapters', () => {
  it('clamps page sizes to whole numbers between 1 and 1000, 100 by default', () => {
    expect([undefined, 0, -5, 2.7, 5000, Number.NaN].map(pageLimit)).toEqual([100, 1, 1, 2, 1000, 100]);
  });

  it('round-trips a cursor and refuses anything else with a ValidationError', () => {
    expect(decodePageCursor(encodePageCursor('01HZX'))).toBe('01HZX');
    for (const bad of ['', 'not-base64!', Buffer.from('null').toString('base64url'), Buffer.from('{"after":7}').toString('base64url')]) {
      expect(() => decodePageCursor(bad)).toThrow(ValidationError);
    }
  });

  it('spells time bounds as toISOString does and refuses non-instants', () => {
    expect(queryInstant('2024-01-02T03:04:05Z', 'since')).toBe('2024-01-02T03:04:05.000Z');
    expect(() => queryInstant('yesterday', 'since')).toThrow(ValidationError);
  });

  it('lists a filter once per value', () => {
    expect(filterList(undefined)).toBeUndefined();
    expect(filterList('a')).toEqual(['a']);
    expect(filterList(['a', 'b', 'a'])).toEqual(['a', 'b']);
  });

  it('sets given fields, removes optional fields set to undefined, keeps required and fixed ones', () => {
    const patch = { status: 'staged', stagingKey: 'staging/x.json', patientId: undefined, contentHash: undefined, messageId: 'other' } as Parameters<
      typeof planMessagePatch
    >[0];
    expect(planMessagePatch(patch)).toEqual({ set: { status: 'staged', stagingKey: 'staging/x.json' }, remove: ['patientId'] });
    const current = messageRecord('src', T0, { patientId: 'P1' });
    const next = applyMessagePatch(current, patch);
    expect(next).toEqual({ ...current, status: 'staged', stagingKey: 'staging/x.json', patientId: undefined });
    expect('patientId' in next).toBe(false);
    expect(next.contentHash).toBe(current.contentHash);
    expect(next.messageId).toBe(current.messageId);
  });

  it('answers NotFound for a missing row and a conflict for another status', () => {
    const row = messageRecord('src', T0);
    expect(() => checkUpdatable('m1', undefined, undefined)).toThrow(NotFoundError);
    expect(() => checkUpdatable(row.messageId, row, 'staged')).toThrow(CatalogConflictError);
    expect(checkUpdatable(row.messageId, row, 'ingested')).toBe(row);
    expect(checkUpdatable(row.messageId, row, undefined)).toBe(row);
  });

  it('orders the two patients of a link the same way in both directions', () => {
    expect(linkPair({ patientId: 'B', linkedPatientId: 'A' })).toEqual(['A', 'B']);
    expect(linkPair({ patientId: 'A', linkedPatientId: 'B' })).toEqual(['A', 'B']);
  });
});
