import { expect, it, jest } from '@jest/globals';

// Random parts drawn at their maximum: the first id of a millisecond has no room left to
// increment, which is when a ULID generator must still give a greater id.
jest.unstable_mockModule('node:crypto', () => ({ randomBytes: (n: number) => Buffer.alloc(n, 0xff) }));
const { messageIdTime, newMessageId } = await import('../src/ids');

it('stays strictly increasing when the random part of a millisecond overflows', () => {
  const t = Date.UTC(2030, 0, 1);
  const first = newMessageId(t);
  expect(first.slice(10)).toBe('Z'.repeat(16));
  const second = newMessageId(t);
  const third = newMessageId(t);
  expect(second > first).toBe(true);
  expect(third > second).toBe(true);
  expect(messageIdTime(second)).toBeGreaterThan(t);
});
