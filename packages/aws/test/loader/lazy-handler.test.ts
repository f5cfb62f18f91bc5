import { describe, expect, it } from '@jest/globals';
import { lazyHandler } from '../../src/loader/lazy-handler';

describe('lazyHandler', () => {
  it('builds nothing until the first invocation, then builds once for every later one', async () => {
    let builds = 0;
    const handler = lazyHandler((): ((event: number, context: unknown) => Promise<number>) => {
      builds++;
      return async (event) => event * 2;
    });
    expect(builds).toBe(0);
    expect(await handler(2, {})).toBe(4);
    expect(await handler(5, {})).toBe(10);
    expect(builds).toBe(1);
  });

  it('passes the event and the context through', async () => {
    const seen: unknown[] = [];
    const handler = lazyHandler(() => async (event: string, context: { awsRequestId: string }) => {
      seen.push([event, context.awsRequestId]);
      return 'ok';
    });
    await handler('e', { awsRequestId: 'r-1' });
    expect(seen).toEqual([['e', 'r-1']]);
  });

  it('does not keep a failed build: the invocation rejects and the next one tries again', async () => {
    let attempts = 0;
    const handler = lazyHandler(() => {
      attempts++;
      if (attempts === 1) throw new Error('configuration missing');
      return async (event: number) => event + 1;
    });
    await expect(handler(1, undefined)).rejects.toThrow('configuration missing');
    expect(await handler(1, undefined)).toBe(2);
    expect(await handler(2, undefined)).toBe(3);
    expect(attempts).toBe(2);
  });
});
