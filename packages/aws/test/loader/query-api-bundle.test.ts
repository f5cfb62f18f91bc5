/**
 * The query-api Lambda bundle (functions/query-api/dist/index.mjs) invoked with API Gateway
 * HTTP API payload v2 events against s3rver and dynalite on loopback. (Here rather than in
 * functions/query-api/test, which the read-side engineer owns.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildFunctionBundle, type BuiltBundle } from './support/bundles';
import { apiGatewayV2Event, jwtClaims, lambdaContext, type HttpRequest } from './support/events';
import { startLambdaHarness, type LambdaHarness } from './support/lambda-harness';
import type { MessageRecord } from '@hcdl/lake';

interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}
type Handler = (event: unknown, context: unknown) => Promise<HttpResponse>;

describe('query-api Lambda bundle', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let handler: Handler;
  let north: MessageRecord;
  const raw = Buffer.from('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|Q1|P|2.3\rPID|1||77^^^H^MR||R\xe9my^Ana\r', 'latin1');
  const get = (path: string, claims: Record<string, string | number>, query?: Record<string, string>): Promise<HttpResponse> => {
    const req: HttpRequest = { method: 'GET', path, claims, ...(query === undefined ? {} : { query }) };
    return handler(apiGatewayV2Event(req), lambdaContext('hcdl-dev-query-api'));
  };

  beforeAll(async () => {
    h = await startLambdaHarness();
    north = await h.seedIngested(raw, { source: 'north', messageType: 'ADT^A01', controlId: 'Q1' });
    await h.seedIngested(raw, { source: 'south', messageType: 'ADT^A01' });
    bundle = await buildFunctionBundle('query-api');
    ({ handler } = await bundle.load<{ handler: Handler }>());
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is under the 250 KB budget, without the idempotency layer or the Athena client', () => {
    expect(bundle.bytes).toBeLessThan(250 * 1024);
    const code = readFileSync(bundle.outfile, 'utf8');
    expect(code).not.toContain('INPROGRESS');
    expect(code).not.toContain('@aws-sdk/client-athena');
  });

  it('GET /hl7v2/messages/{id}: the catalog entry for a reader of the source, 404 for another', async () => {
    const ok = await get(`/hl7v2/messages/${north.messageId}`, jwtClaims({ read: 'north' }));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ messageId: north.messageId, source: 'north', status: 'ingested' });
    expect((await get(`/hl7v2/messages/${north.messageId}`, jwtClaims({ read: 'south' }))).statusCode).toBe(404);
  });

  it('GET /hl7v2/messages/{id}/raw: the bytes from S3, base64 encoded for API Gateway', async () => {
    const r = await get(`/hl7v2/messages/${north.messageId}/raw`, jwtClaims({ read: '*' }));
    expect(r.statusCode).toBe(200);
    expect(r.isBase64Encoded).toBe(true);
    expect(Buffer.from(r.body, 'base64').equals(raw)).toBe(true);
  });

  it('GET /hl7v2/messages lists only the sources the caller may read', async () => {
    const r = await get('/hl7v2/messages', jwtClaims({ read: 'north' }));
    expect(r.statusCode).toBe(200);
    const items = (JSON.parse(r.body) as { items: { messageId: string; source: string }[] }).items;
    expect(items.map((i) => i.messageId)).toEqual([north.messageId]);
  });

  it('logs nothing of the message', () => {
    const text = h.logs.text();
    for (const secret of ['Ana', 'R\u00e9my', '77^', 'Q1|', 'PID|']) expect(text).not.toContain(secret);
  });
});
