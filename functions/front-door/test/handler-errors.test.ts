/**
 * Unexpected errors in the front-door Lambda handler: a generic 500 in the contract's error
 * shape, and a log line with the error's name only (Middy's default logger would print the
 * whole error, whose message can quote patient data from the input).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { SETTINGS } from '@hcdl/lake';
import { MemoryCatalog, MemoryHub, MemoryObjectStore, MemoryPersistenceLayer } from '@hcdl/lake/testing';
import { createHandler, type FrontDoorDeps } from '../src/index';

const PHI = 'DOE^JANE MRN 7734521';
const MSG = `MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5\rPID|1||7734521^^^H^MR||DOE^JANE\r`;

describe('front-door handler errors', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('answers a generic 500 and logs the error name, never its message', async () => {
    const lines: [string, Record<string, unknown>[]][] = [];
    const log = (message: string, ...extra: Record<string, unknown>[]) => void lines.push([message, extra]);
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => {});
    const objectStore = new MemoryObjectStore();
    jest.spyOn(objectStore, 'put').mockRejectedValue(new TypeError(`cannot write ${PHI}`));
    const deps = {
      objectStore,
      catalog: new MemoryCatalog(),
      hub: new MemoryHub(),
      logger: { debug: log, info: log, warn: log, error: log },
      idempotencyStore: new MemoryPersistenceLayer(),
      config: { maxBodyBytes: SETTINGS.maxBodyBytes.default, dedupWindowSeconds: SETTINGS.dedupWindowSeconds.default },
    } satisfies FrontDoorDeps;
    const handler = createHandler(deps);
    const res = await handler(
      {
        rawPath: '/hl7v2/er7',
        headers: { 'content-type': 'application/hl7-v2' },
        body: MSG,
        requestContext: { http: { method: 'POST' }, authorizer: { jwt: { claims: { sub: 'writer', 'custom:write': 'lab' } } } },
      },
      {},
    );
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(res.body).not.toContain('stack');
    expect(lines).toEqual([['request failed', [{ error: 'TypeError' }]]]);
    expect(consoleError).not.toHaveBeenCalled();
    expect(JSON.stringify(lines)).not.toContain('DOE');
  });
});
