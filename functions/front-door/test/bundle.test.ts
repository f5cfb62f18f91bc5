/**
 * The front-door Lambda bundle (dist/index.mjs, built by scripts/bundle.mjs) invoked with
 * API Gateway HTTP API payload v2 events, talking real HTTP to s3rver and dynalite on
 * loopback; SNS publishes captured by aws-sdk-client-mock. It runs the submit and ingest
 * use-cases of @hcdl/core itself (docs/adr/0006): raw object and catalog row before the 2xx.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rawBatchKey } from '@hcdl/lake';
import { batchReportKey } from '@hcdl/core';
import { buildFunctionBundle, type BuiltBundle } from '../../../packages/aws/test/loader/support/bundles';
import { apiGatewayV2Event, jwtClaims, lambdaContext, type HttpRequest } from '../../../packages/aws/test/loader/support/events';
import { jest } from '@jest/globals';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLambdaHarness, type LambdaHarness } from '../../../packages/aws/test/loader/support/lambda-harness';

const CORPUS = path.resolve(import.meta.dirname, '../../../test/fixtures/corpus');
/** The reference AWS sample's own ADT^A01 (aws-samples/hcls-data-lake test_er7_msg.py). */
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}
type Handler = (event: unknown, context: unknown) => Promise<HttpResponse>;

describe('front-door Lambda bundle', () => {
  let h: LambdaHarness;
  let bundle: BuiltBundle;
  let handler: Handler;
  const invoke = (req: HttpRequest): Promise<HttpResponse> => handler(apiGatewayV2Event(req), lambdaContext('hcdl-dev-front-door'));
  const writer = jwtClaims({ sub: 'writer-1', write: 'hospital-a' });
  /** POST /hl7v2/er7 as `claims` (null: no authorizer context). */
  const post = (body: Uint8Array | string, claims: Record<string, string | number> | null = writer, contentType = 'application/hl7-v2') =>
    invoke({
      method: 'POST',
      path: '/hl7v2/er7',
      headers: { 'content-type': contentType },
      query: { source: 'hospital-a' },
      body,
      ...(claims ? { claims } : {}),
    });

  beforeAll(async () => {
    h = await startLambdaHarness({ idempotency: true });
    bundle = await buildFunctionBundle('front-door');
    ({ handler } = await bundle.load<{ handler: Handler }>());
  }, 60_000);
  afterAll(async () => {
    bundle?.remove();
    await h?.close();
  });

  it('is an ESM bundle under the 250 KB budget with the AWS SDK left external', () => {
    expect(bundle.bytes).toBeGreaterThan(10_000);
    expect(bundle.bytes).toBeLessThan(250 * 1024);
    expect(bundle.maxBytes).toBe(250 * 1024);
    const code = readFileSync(bundle.outfile, 'utf8');
    expect(code).toMatch(/from\s*"@aws-sdk\/client-s3"/);
    expect(code).not.toMatch(/class S3Client\b/);
    // Unused parts of @hcdl/aws (the Athena client) are left out.
    expect(code).not.toContain('@aws-sdk/client-athena');
    // The ingest use-case runs here: S3, DynamoDB and SNS, no Lambda client and no parser dictionary.
    expect(code).toMatch(/from\s*"@aws-sdk\/client-sns"/);
    expect(code).not.toContain('@aws-sdk/client-lambda');
    expect(code).not.toContain('brotliDecompressSync');
  });

  it('refuses to start without its configuration, naming the variables, then starts once they are there', async () => {
    const bucket = process.env.HCDL_LAKE_BUCKET;
    const topic = process.env.HCDL_HUB_TOPIC_ARN;
    delete process.env.HCDL_LAKE_BUCKET;
    delete process.env.HCDL_HUB_TOPIC_ARN;
    try {
      const refused = post(ADT_A01);
      await expect(refused).rejects.toMatchObject({ name: 'LambdaConfigError', message: expect.stringContaining('HCDL_LAKE_BUCKET') });
      await expect(refused).rejects.toMatchObject({ message: expect.stringContaining('HCDL_HUB_TOPIC_ARN') });
    } finally {
      process.env.HCDL_LAKE_BUCKET = bucket;
      process.env.HCDL_HUB_TOPIC_ARN = topic;
    }
    const health = await invoke({ method: 'GET', path: '/health' });
    expect(health.statusCode).toBe(200);
  });

  let firstId: string;

  it('POST /hl7v2/er7 answers 201 with the raw bytes in S3, the catalog row in DynamoDB and `ingested` on SNS', async () => {
    h.resetCalls();
    const res = await post(ADT_A01);
    const s3Calls = h.calls().s3;
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body) as { messageId: string; status: string; messageType: string; controlId: string };
    expect(body).toMatchObject({ status: 'ingested', messageType: 'ADT^A01', controlId: 'MSGID10001' });
    firstId = body.messageId;

    const row = await h.catalog.getMessage(firstId);
    expect(row).toMatchObject({ messageId: firstId, source: 'hospital-a', status: 'ingested', messageType: 'ADT^A01', submittedBy: 'writer-1' });
    const raw = await h.getObject(row!.rawKey);
    expect(raw.key).toMatch(new RegExp(`^raw/source=hospital-a/protocol=hl7v2/format=er7/dt=\\d{4}-\\d{2}-\\d{2}/${firstId}\\.hl7$`));
    expect(Buffer.from(raw.body).equals(ADT_A01)).toBe(true);

    const events = h.published();
    expect(events).toHaveLength(1);
    expect(events[0]!.attributes).toEqual({ event: 'ingested', protocol: 'hl7v2', format: 'er7', source: 'hospital-a', messageType: 'ADT^A01' });
    expect(events[0]!.body).toMatchObject({ messageId: firstId, rawKey: row!.rawKey, attempt: 1 });
    expect(h.topicArns()).toEqual([h.env.HCDL_HUB_TOPIC_ARN]);
    // One raw PUT and the call's audit record (docs/adr/0016), nothing read back, nothing landed elsewhere.
    expect(s3Calls).toEqual({ PutObjectCommand: 2 });
  });

  it('answers 500 (never 2xx) when the catalog write fails after the raw object; the resend is then accepted', async () => {
    const message = Buffer.from(ADT_A01.toString('latin1').replace('MSGID10001', 'MSGID-CRASH'), 'latin1');
    h.resetCalls();
    // The catalog's PutItem (the document client's Put of a message row) fails once, as a throttled table would.
    const send = DynamoDBDocumentClient.prototype.send;
    let failures = 1;
    const spy = jest.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
      this: DynamoDBDocumentClient,
      command: unknown,
      ...rest: unknown[]
    ) {
      // A message row is put alone, or with its content claim in one transaction (ADR 0014).
      const input = (command as { input?: { Item?: { pk?: string }; TransactItems?: { Put?: { Item?: { pk?: string } } }[] } }).input;
      const pk = input?.Item?.pk ?? input?.TransactItems?.[0]?.Put?.Item?.pk;
      // The content claim is read first (ADR 0014): none yet, answered here.
      if ((command as { input?: { Key?: { pk?: string } } }).input?.Key?.pk?.startsWith('CLAIM#')) return Promise.resolve({});
      if (failures > 0 && pk?.startsWith('MSG#')) {
        failures--;
        return Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
      }
      return (send as (...a: unknown[]) => unknown).call(this, command, ...rest);
    } as never);
    let failed: HttpResponse;
    try {
      failed = await post(message);
    } finally {
      spy.mockRestore();
    }
    expect(failures).toBe(0);
    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(h.published()).toHaveLength(0);

    const resent = await post(message);
    expect(resent.statusCode).toBe(201);
    expect(await h.catalog.getMessage((JSON.parse(resent.body) as { messageId: string }).messageId)).toMatchObject({
      status: 'ingested',
      controlId: 'MSGID-CRASH',
    });
  });

  it('answers a resend 409 with the original message id, and stores nothing new', async () => {
    h.resetCalls();
    const res = await post(ADT_A01);
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'duplicate', messageId: firstId });
    expect(h.published()).toHaveLength(0);
  });

  it('50 concurrent posts of one new message: exactly one 201, 49 x 409 with its id (conditional writes on DynamoDB)', async () => {
    const message = Buffer.from(ADT_A01.toString('latin1').replace('MSGID10001', 'MSGID-CONCURRENT'), 'latin1');
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(message)));
    const created = answers.filter((a) => a.statusCode === 201);
    expect(created).toHaveLength(1);
    const { messageId } = JSON.parse(created[0]!.body) as { messageId: string };
    const duplicates = answers.filter((a) => a.statusCode === 409);
    expect(duplicates).toHaveLength(49);
    for (const d of duplicates) expect(JSON.parse(d.body)).toMatchObject({ status: 'duplicate', messageId });
    // The waiters wait up to the in-progress budget (60 s) for a winner slowed by a busy machine.
  }, 240_000);

  it('answers text that is not HL7 400 and keeps it in the error zone with an id', async () => {
    const text = 'this is a shopping list, not an HL7 message';
    const res = await post(text, writer, 'text/plain');
    expect(res.statusCode).toBe(400);
    const err = JSON.parse(res.body) as { error: { code: string; details: { messageId: string } } };
    expect(err.error.code).toBe('NOT_HL7');
    const id = err.error.details.messageId;
    const row = await h.catalog.getMessage(id);
    expect(row).toMatchObject({ messageId: id, status: 'error', source: 'hospital-a' });
    const kept = await h.getObject(row!.errorKey!);
    expect(kept.key.startsWith('error/source=hospital-a/')).toBe(true);
    expect(Buffer.from(kept.body).toString('utf8')).toBe(text);
  });

  it('answers an HL7 ACK when the sender asks for application/hl7-v2 (MSA AA; AA "already stored" for a duplicate, the same ACK as over MLLP)', async () => {
    const message = Buffer.from(ADT_A01.toString('latin1').replace('MSGID10001', 'MSGID-ACK'), 'latin1');
    const ack = (body: Uint8Array) =>
      invoke({
        method: 'POST',
        path: '/hl7v2/er7',
        headers: { 'content-type': 'application/hl7-v2', accept: 'application/hl7-v2' },
        query: { source: 'hospital-a' },
        body,
        claims: writer,
      });
    const first = await ack(message);
    expect(first.statusCode).toBe(201);
    expect(first.headers['content-type']).toBe('application/hl7-v2');
    const segments = first.body.split('\r');
    expect(segments[0]).toMatch(/^MSH\|\^~\\&\|MIRTHDST\|WA\|SOURCEEHR\|WA\|/);
    expect(segments.find((x) => x.startsWith('MSA|'))).toMatch(/^MSA\|AA\|MSGID-ACK/);
    const again = await ack(message);
    expect(again.statusCode).toBe(409);
    expect(again.body.split('\r').find((x) => x.startsWith('MSA|'))).toMatch(/^MSA\|AA\|MSGID-ACK\|duplicate of message \w+; already stored/);
  });

  it('a batch file: the file under its raw batch key, each message with its batch id and index, and the batch report', async () => {
    const msg = (id: string) => ADT_A01.toString('latin1').replace('MSGID10001', id).replace(/\r?\n/g, '\r').replace(/\r*$/, '\r');
    const file = Buffer.from(`FHS|^~\\&|SENDER\rBHS|^~\\&|SENDER\r${msg('MSGID-B1')}${msg('MSGID-B2')}BTS|2\rFTS|1\r`, 'latin1');
    h.resetCalls();
    const res = await post(file);
    const s3Calls = h.calls().s3;
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body) as { batchId: string; messages: { status: string; messageId: string; controlId: string }[] };
    expect(body.messages.map((m) => [m.status, m.controlId])).toEqual([
      ['ingested', 'MSGID-B1'],
      ['ingested', 'MSGID-B2'],
    ]);
    // the file, its two messages, its report, the call's audit record
    expect(s3Calls).toEqual({ PutObjectCommand: 5 });
    const rows = await Promise.all(body.messages.map((m) => h.catalog.getMessage(m.messageId)));
    expect(rows.map((r) => [r?.batchId, r?.batchIndex])).toEqual([
      [body.batchId, 1],
      [body.batchId, 2],
    ]);
    const kept = await h.getObject(rawBatchKey('hospital-a', body.batchId));
    expect(Buffer.from(kept.body).equals(file)).toBe(true);
    const report = JSON.parse(Buffer.from((await h.getObject(batchReportKey('hospital-a', body.batchId))).body).toString('utf8')) as { messages: unknown[] };
    expect(report).toMatchObject({ batchId: body.batchId, status: 'ingested', messages: body.messages });
    expect(h.published()).toHaveLength(2);
  });

  it('refuses a caller without a write claim for the source (403) and a request without claims (401)', async () => {
    const reader = jwtClaims({ sub: 'reader-1', read: 'hospital-a' });
    expect((await post(ADT_A01, reader)).statusCode).toBe(403);
    expect((await post(ADT_A01, null)).statusCode).toBe(401);
  });

  it("serves POST /hl7v2/er7 only: the read routes are the query-api function's (404 here)", async () => {
    const get = await invoke({ method: 'GET', path: `/hl7v2/messages/${firstId}`, claims: jwtClaims({ read: 'hospital-a' }) });
    expect(get.statusCode).toBe(404);
    expect(JSON.parse(get.body)).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });

  it('logs JSON lines with ids and codes, never the message, the patient or its identifiers', () => {
    const entries = h.logs.entries();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.service === 'hcdl-front-door')).toBe(true);
    expect(entries.some((e) => e.message === 'message ingested' && e.messageId === firstId)).toBe(true);
    expect(entries.some((e) => e.messageId === firstId)).toBe(true);
    expect(entries.some((e) => typeof e.function_request_id === 'string')).toBe(true);
    const text = h.logs.text();
    for (const secret of ['DOE', 'JOHN', '100001', '900001', '999999999', 'MSGID10001', 'shopping list', 'PID|', '111 THAT PL']) {
      expect(text).not.toContain(secret);
    }
  });
});
