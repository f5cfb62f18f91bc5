/**
 * The dedup window belongs to the lake, not to a function: idempotency records are keyed
 * `hcdl-dedup#<hash>` whatever the Lambda function (or process) that wrote them is called, so
 * a renamed front door, the landing function and the MLLP container all find the same records.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryPersistenceLayer } from '@hcdl/lake/testing';
import { createDedup, DEDUP_KEY_PREFIX } from '../../src/index';

const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
afterEach(() => {
  if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
});

/** A persistence layer built while the process runs as `functionName` (Powertools reads the name when a layer is built). */
function storeOf(functionName: string): MemoryPersistenceLayer {
  process.env.AWS_LAMBDA_FUNCTION_NAME = functionName;
  return new MemoryPersistenceLayer();
}

describe('dedup key prefix', () => {
  it('keys every record hcdl-dedup#<hash>, never with the function name', async () => {
    const store = storeOf('hcdl-dev-front-door');
    const dedup = createDedup(store, 3600);
    await dedup({ dedupKey: 'lab#abc', candidateId: 'id-1' }, async () => ({ messageId: 'id-1' }));
    const keys = [...store.records.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]?.startsWith(`${DEDUP_KEY_PREFIX}#`)).toBe(true);
    expect(keys[0]).not.toContain('front-door');
  });

  it('a message deduplicated by one function is a duplicate for a renamed or another function', async () => {
    const first = storeOf('hcdl-dev-front-door');
    expect(await createDedup(first, 3600)({ dedupKey: 'lab#abc', candidateId: 'id-1' }, async () => ({ messageId: 'id-1' }))).toEqual({
      duplicate: false,
      result: { messageId: 'id-1' },
    });
    for (const name of ['hcdl-dev-front-door-v2', 'hcdl-dev-landing', '']) {
      const other = storeOf(name);
      for (const [k, v] of first.records) other.records.set(k, v);
      let ran = false;
      const out = await createDedup(other, 3600)({ dedupKey: 'lab#abc', candidateId: 'id-2' }, async () => {
        ran = true;
        return { messageId: 'id-2' };
      });
      expect({ name, ran, out }).toEqual({ name, ran: false, out: { duplicate: true, result: { messageId: 'id-1' } } });
    }
  });
});
