/**
 * The reference AWS sample's own scenario (aws-samples/hcls-data-lake test_er7_msg.py),
 * against the local lake: an admin, a writer and a reader; the admin's ADT^A01 is ingested
 * and staged, the reader may not submit, no token is refused, a resend is a duplicate, and
 * text that is not HL7 is refused but kept in the error zone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS, getJson, post, startTestLake, type TestLake } from './support/harness';

const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

describe('reference sample scenario: admin / writer / reader', () => {
  let t: TestLake;
  let admin: string;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    t = await startTestLake();
    admin = await t.token({ sub: 'admin', write: '*', read: '*' });
    writer = await t.token({ sub: 'writer', write: 'hospital-a' });
    reader = await t.token({ sub: 'reader', read: 'hospital-a' });
  });
  afterAll(async () => t.close());

  let firstId: string;

  it("ingests the admin's ADT^A01 (201) and stages it", async () => {
    const res = await post(t.url, ADT_A01, { token: admin, query: '?source=hospital-a' });
    expect(res.status).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ingested', messageType: 'ADT^A01' });
    expect(body.controlId).toEqual(expect.any(String));
    firstId = body.messageId;
    await t.lake.idle();
    const got = await getJson(t.url, `/hl7v2/messages/${firstId}`, admin);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ messageId: firstId, source: 'hospital-a', status: 'staged', submittedBy: 'admin' });
    const staged = await t.lake.adapters.objectStore.get(got.json.stagingKey);
    expect((await t.lake.adapters.objectStore.getTags(got.json.stagingKey))?.data_src).toBe(got.json.rawKey);
    const doc = JSON.parse(Buffer.from(staged!.body).toString('utf8'));
    expect(doc.msh.message_control_id).toBe(body.controlId);
  });

  it('refuses a reader without write rights (403)', async () => {
    const res = await post(t.url, ADT_A01, { token: reader });
    expect(res.status).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('refuses a request without a token (401) and with a forged one (401), saying why', async () => {
    const none = await post(t.url, ADT_A01);
    expect([none.status, none.json().error.details]).toEqual([401, { reason: 'missing' }]);
    const forged = `${admin.slice(0, -4)}AAAA`;
    const bad = await post(t.url, ADT_A01, { token: forged });
    expect([bad.status, bad.json().error.details]).toEqual([401, { reason: 'bad-signature' }]);
    expect(bad.body).not.toContain(forged);
    const read = await getJson(t.url, '/hl7v2/messages', forged);
    expect([read.status, read.json.error.details]).toEqual([401, { reason: 'bad-signature' }]);
  });

  it('answers a resend with 409 and the original message id', async () => {
    const res = await post(t.url, ADT_A01, { token: writer });
    expect(res.status).toBe(409);
    expect(res.json()).toEqual({ status: 'duplicate', messageId: firstId });
  });

  it('the same message with other line endings is the same message (409)', async () => {
    const lf = Buffer.from(ADT_A01.toString('latin1').replace(/\r\n?|\n/g, '\r\n'), 'latin1');
    const res = await post(t.url, lf, { token: writer });
    expect(res.status).toBe(409);
  });

  it('refuses non-HL7 text (400) and keeps it in the error zone', async () => {
    const res = await post(t.url, 'this is not an HL7 message', { token: writer, contentType: 'text/plain' });
    expect(res.status).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('NOT_HL7');
    const id = err.details.messageId as string;
    const row = await getJson(t.url, `/hl7v2/messages/${id}`, admin);
    expect(row.json).toMatchObject({ status: 'error', source: 'hospital-a' });
    const kept = await t.lake.adapters.objectStore.get(row.json.errorKey);
    expect(Buffer.from(kept!.body).toString()).toBe('this is not an HL7 message');
    const errors = await t.lake.adapters.catalog.listErrors({ messageId: id });
    expect(errors.items[0]).toMatchObject({ code: 'NO_MSH', location: 'line 1', stage: 'front-door' });
  });

  it('hides a message from a reader of another source (404)', async () => {
    const other = await t.token({ sub: 'other', read: 'hospital-b' });
    expect((await getJson(t.url, `/hl7v2/messages/${firstId}`, other)).status).toBe(404);
    expect((await getJson(t.url, `/hl7v2/messages/${firstId}`, reader)).status).toBe(200);
  });

  it("accepts the sample's JSON body {msg: base64} and answers an HL7 ACK on request", async () => {
    const msg = ADT_A01.toString('latin1').replace('MSH|', 'MSH|').replace(/\|P\|/, '|T|');
    const res = await post(t.url, JSON.stringify({ msg: Buffer.from(msg, 'latin1').toString('base64') }), {
      token: writer,
      contentType: 'application/json',
      accept: 'application/hl7-v2',
    });
    expect(res.status).toBe(201);
    const segments = res.body.split('\r').filter(Boolean);
    expect(segments[0]).toMatch(/^MSH\|\^~\\&\|/);
    expect(segments[1]).toMatch(/^MSA\|AA\|/);
  });

  it('limits content types (415) and sizes (413)', async () => {
    expect((await post(t.url, '<x/>', { token: writer, contentType: 'application/xml' })).status).toBe(415);
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x41);
    expect((await post(t.url, big, { token: writer })).status).toBe(413);
  });

  it('answers /health, with the staging backlog', async () => {
    await t.lake.idle();
    const health = await getJson(t.url, '/health');
    expect(health).toMatchObject({ status: 200, json: { status: 'ok', staging: { waiting: 0, oldestWaitingSeconds: null, queued: 0, failed: 0 } } });
    expect(health.json.staging.pool).toMatchObject({ threads: expect.any(Number), overTime: 0, overMemory: 0 });
  });
});
