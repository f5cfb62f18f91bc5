/** One lane per key: work on a key follows the work taken before it; other keys do not wait. */
import { describe, expect, it } from '@jest/globals';
import { KeyedLanes } from '../../src/index';

describe('KeyedLanes', () => {
  it('work on one key runs in the order it was taken; another key does not wait; nothing is left behind', async () => {
    const lanes = new KeyedLanes();
    const order: string[] = [];
    const freeA1 = await lanes.acquire('a');
    const a2 = lanes.acquire('a').then((free) => {
      order.push('a2');
      return free;
    });
    const a3 = lanes.acquire('a').then((free) => {
      order.push('a3');
      free();
    });
    const freeB = await lanes.acquire('b'); // not behind a's lane
    order.push('b');
    freeB();
    await Promise.resolve();
    expect(order).toEqual(['b']);
    freeA1();
    const freeA2 = await a2;
    expect(order).toEqual(['b', 'a2']);
    freeA2();
    freeA2(); // a second call frees nothing more
    await a3;
    expect(order).toEqual(['b', 'a2', 'a3']);
    expect(lanes.size).toBe(0);
  });
});
