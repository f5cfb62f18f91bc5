import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { T0 } from '@hcdl/lake/testing';
import type { MessageRecord } from '@hcdl/lake';
import { type ApiGatewayV2Event, ObjectAuditTrail } from '@hcdl/aws';
import { createHandler } from '../src/index';
import { openFixture, silent, type Fixture } from '../../../packages/core/test/read/support';

const event = (rawPath: string, claims?: Record<string, unknown>, query?: Record<string, string>): ApiGatewayV2Event => ({
  routeKey: 'GET /x',
  rawPath,
  ...(query !== undefined ? { queryStringParameters: query } : {}),
  requestContext: { http: { method: 'GET', path: rawPath }, ...(claims !== undefined ? { authorizer: { jwt: { claims } } } : {}) },
});

describe('query-api Lambda handler (API Gateway HTTP API v2)', () => {
  let f: Fixture;
  let m: MessageRecord;
  const raw = Buffer.from('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.3\rPID|1||\xe9t\xe9\r', 'latin1');

  beforeAll(async () => {
    f = await openFixture();
    m = await f.message('north', T0);
    await f.adapters.objectStore.put({ key: m.rawKey, body: raw, contentType: 'application/hl7-v2' });
  });
  afterAll(async () => f.close());

  it('reads the authorizer claims and answers JSON', async () => {
    const handler = createHandler({ catalog: f.adapters.catalog, objectStore: f.adapters.objectStore, logger: silent });
    const ok = await handler(event(`/hl7v2/messages/${m.messageId}`, { 'custom:read': 'north' }));
    expect(ok.statusCode).toBe(200);
    expect(ok.isBase64Encoded).toBe(false);
    expect(JSON.parse(ok.body).messageId).toBe(m.messageId);
    expect((await handler(event(`/hl7v2/messages/${m.messageId}`, { 'custom:read': 'south' }))).statusCode).toBe(404);
    expect((await handler(event(`/hl7v2/messages/${m.messageId}`))).statusCode).toBe(401);
    const bad = await handler(event('/hl7v2/messages', { 'custom:read': '*' }, { limit: 'many' }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.details).toEqual({ parameter: 'limit' });
  });

  it('records each read in the audit trail under audit/, with the caller and its address, and serves GET /audit to custom:audit', async () => {
    const trail = new ObjectAuditTrail(f.adapters.objectStore);
    const handler = createHandler({ catalog: f.adapters.catalog, objectStore: f.adapters.objectStore, logger: silent, audit: trail });
    const withIp = (e: ApiGatewayV2Event): ApiGatewayV2Event => ({
      ...e,
      requestContext: { ...e.requestContext, http: { ...e.requestContext?.http, sourceIp: '198.51.100.7' } },
    });
    expect((await handler(withIp(event(`/hl7v2/messages/${m.messageId}`, { sub: 'lambda-reader', 'custom:read': 'south' })))).statusCode).toBe(404);
    expect((await handler(event('/audit', { sub: 'someone', 'custom:read': '*' }))).statusCode).toBe(403);
    const page = await handler(event('/audit', { sub: 'auditor', 'custom:audit': '*' }, { principal: 'lambda-reader' }));
    expect(page.statusCode).toBe(200);
    expect(JSON.parse(page.body).items).toEqual([
      expect.objectContaining({
        principal: 'lambda-reader',
        client: '198.51.100.7',
        route: '/hl7v2/messages/{id}',
        outcome: 'denied',
        source: 'north',
        entityIds: [m.messageId],
      }),
    ]);
    const keys: string[] = [];
    for await (const k of f.adapters.objectStore.list('audit/')) keys.push(k);
    expect(keys).toHaveLength(3);
    for (const k of keys) expect(k).toMatch(/^audit\/dt=\d{4}-\d{2}-\d{2}\/[0-9A-Z]{26}\.json$/);
    expect((await handler(event('/openapi.json'))).statusCode).toBe(200);
  });

  it('returns raw bytes base64-encoded, byte for byte', async () => {
    const handler = createHandler({ catalog: f.adapters.catalog, objectStore: f.adapters.objectStore, logger: silent });
    const r = await handler(event(`/hl7v2/messages/${m.messageId}/raw`, { 'custom:read': '*' }));
    expect(r.statusCode).toBe(200);
    expect(r.isBase64Encoded).toBe(true);
    expect(r.headers['content-type']).toBe('application/hl7-v2');
    expect(Buffer.from(r.body, 'base64').equals(raw)).toBe(true);
  });

  it('turns an unexpected failure into a generic 500 without details', async () => {
    const errors: string[] = [];
    const failing = {
      ...f.adapters.catalog,
      getMessage: async () => Promise.reject(new Error('disk on fire at /secret/path')),
    } as unknown as typeof f.adapters.catalog;
    const handler = createHandler({
      catalog: failing,
      objectStore: f.adapters.objectStore,
      logger: { ...silent, error: (msg: string) => void errors.push(msg) },
    });
    const r = await handler(event(`/hl7v2/messages/${m.messageId}`, { 'custom:read': '*' }));
    expect(r.statusCode).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(r.body).not.toContain('secret');
    expect(errors).toEqual(['read request failed']);
  });
});
