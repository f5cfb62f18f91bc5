import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isMessageId, messageIdTime, newMessageId } from '../src/ids';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]+$/;

/**
 * The generator clamps to the latest time it has used (module state), so each test takes
 * instants beyond those of the tests before it.
 */
let horizon = Date.now() + 1e9;
const fresh = (): number => (horizon += 1e9);

describe('newMessageId', () => {
  it('is a 26-character Crockford base32 ULID', () => {
    for (let i = 0; i < 50; i++) {
      const id = newMessageId();
      expect(id).toHaveLength(26);
      expect(id).toMatch(CROCKFORD);
      expect(id).not.toMatch(/[ILOU]/);
      expect(isMessageId(id)).toBe(true);
    }
  });

  it('encodes its millisecond in the first 10 characters, decoded by messageIdTime', () => {
    const now = fresh();
    expect(messageIdTime(newMessageId(now))).toBe(now);
    expect(newMessageId(now).slice(0, 10)).toBe(newMessageId(now).slice(0, 10));
  });

  it('decodes known instants (epoch start and the largest 48-bit time)', () => {
    expect(messageIdTime('0000000000AAAAAAAAAAAAAAAA')).toBe(0);
    expect(messageIdTime('7ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe(2 ** 48 - 1);
    expect(messageIdTime('01ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(1469918176385);
    expect(messageIdTime('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(1469922850259);
  });

  it('is strictly increasing within one millisecond', () => {
    const now = fresh();
    const ids = Array.from({ length: 1000 }, () => newMessageId(now));
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(messageIdTime(id)).toBe(now);
  });

  it('sorts in time order across milliseconds (string order = time order)', () => {
    const base = fresh();
    const times = [0, 1, 2, 31, 32, 33, 1023, 1024, 86_400_000].map((d) => base + d);
    const ids = times.map((t) => newMessageId(t));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map(messageIdTime)).toEqual(times);
  });

  it('never goes backwards when the clock does', () => {
    const t = fresh();
    const later = newMessageId(t);
    const earlierClock = newMessageId(t - 5000);
    expect(earlierClock > later).toBe(true);
    expect(messageIdTime(earlierClock)).toBe(t);
  });

  it('keeps order for any increasing sequence of instants (property)', () => {
    let floor = fresh();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 2, maxLength: 40 }), (steps) => {
        const ids = steps.map((s) => newMessageId((floor += s)));
        for (let i = 1; i < ids.length; i++) if (!((ids[i] as string) > (ids[i - 1] as string))) return false;
        return true;
      }),
      { numRuns: 100 },
    );
  });
});

describe('isMessageId', () => {
  it.each([
    ['', 'empty'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FA', '25 characters'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAVX', '27 characters'],
    ['01arz3ndektsv4rrffq69g5fav', 'lower case'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAI', 'an I (not Crockford)'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAU', 'a U (not Crockford)'],
    ['../../../etc/passwd/000000', 'path characters'],
    ['8ZZZZZZZZZZZZZZZZZZZZZZZZZ', 'a time above 48 bits'],
  ])('refuses %j (%s)', (id) => {
    expect(isMessageId(id)).toBe(false);
  });
});
