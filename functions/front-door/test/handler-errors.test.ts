/**
 * Unexpected errors in the front-door Lambda handler: a generic 500 in the contract's error
 * shape, and a log line with the error's name only (Middy's default logger would print the
 * whole error, whose message can quote patient data from the input).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Catalog, ObjectStore } from '@hcdl/lake';
import { createHandler, DEFAULT_FRONT_DOOR_CONFIG, type FrontDoorDeps } from '../src/index';

const PHI = 'DOE^JANE MRN 7734521';

describe('front-door handler errors', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('answers a generic 500 and logs the error name, never its message', async () => {
    const lines: [string, Record<string, unknown>[]][] = [];
    const log = (message: string, ...extra: Record<string, unknown>[]) => void lines.push([message, extra]);
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => {});
    const catalog = {
      getMessage: async () => {
        throw new TypeError(`cannot read ${PHI}`);
      },
    } as unknown as Catalog;
    const deps = {
      objectStore: {} as ObjectStore,
      catalog,
      hub: { publish: async () => {} },
      logger: { debug: log, info: log, warn: log, error: log },
      idempotencyStore: {} as FrontDoorDeps['idempotencyStore'],
      config: DEFAULT_FRONT_DOOR_CONFIG,
    } satisfies FrontDoorDeps;
    const handler = createHandler(deps);
    const res = await handler(
      {
        rawPath: '/hl7v2/messages/01J0000000000000000000000A',
        requestContext: { http: { method: 'GET' }, authorizer: { jwt: { claims: { sub: 'reader', 'custom:read': '*' } } } },
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
