/**
 * The audit of the HTTP API (docs/adr/0016) on the in-memory ports: every read and write of
 * message or patient data leaves one record (who, what, when, outcome, from where), a read of
 * another source's message is recorded as denied though the caller is told 404, GET /audit
 * needs `custom:audit` and is itself audited, and a call the trail cannot record is not answered.
 */
import { describe, expect, it } from '@jest/globals';
import { type AuditRecord, type Claims, type HttpRequest } from '@hcdl/lake';
import { MemoryAuditTrail } from '@hcdl/lake/testing';
import { createHttpApi } from '../src/index';
import { adt, recordingLogger, testApp, WRITER } from './support';

const body = (r: { body: string | Uint8Array }): any => JSON.parse(typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8'));
const AUDITOR: Claims = { sub: 'auditor-1', 'custom:audit': '*' };
const OTHER: Claims = { sub: 'reader-2', 'custom:read': 'elsewhere' };

function setup() {
  const t = testApp();
  const trail = new MemoryAuditTrail();
  const api = createHttpApi({ submit: t.app.submit, read: t.app.read, audit: { trail, catalog: t.catalog, logger: recordingLogger() } });
  const call = (method: string, path: string, claims: Claims | undefined, extra: Partial<HttpRequest> = {}) =>
    api.handle({ method, path, headers: {}, query: {}, claims, client: '10.1.2.3', ...extra });
  const all = async (): Promise<AuditRecord[]> => (await trail.query({ limit: 1000 })).records;
  return { t, trail, api, call, all };
}

describe('the audit trail of the HTTP API', () => {
  it('records a write with the message ids, and reads with the source and patient of the message read', async () => {
    const { t, call, all } = setup();
    const posted = await call('POST', '/hl7v2/er7', WRITER, {
      headers: { 'content-type': 'application/hl7-v2' },
      query: { source: 'lab' },
      body: Buffer.from(adt('A-1')),
    });
    expect(posted.status).toBe(201);
    const { messageId } = body(posted);
    await t.settle();
    const read = await call('GET', `/hl7v2/messages/${messageId}`, WRITER);
    expect(read.status).toBe(200);
    const patientId = body(read).patientId as string;
    expect(patientId).toMatch(/^pat_/);
    await call('GET', `/hl7v2/messages/${messageId}/raw`, WRITER);
    await call('GET', '/hl7v2/messages', WRITER, { query: { source: 'lab' } });
    await call('GET', `/patients/${patientId}`, WRITER);
    const records = await all();
    expect(records.map((r) => [r.action, r.method, r.route, r.outcome, r.status])).toEqual([
      ['write', 'POST', '/hl7v2/er7', 'success', 201],
      ['read', 'GET', '/hl7v2/messages/{id}', 'success', 200],
      ['read', 'GET', '/hl7v2/messages/{id}/raw', 'success', 200],
      ['search', 'GET', '/hl7v2/messages', 'success', 200],
      ['read', 'GET', '/patients/{id}', 'success', 200],
    ]);
    const [write, get, , search, patient] = records as [AuditRecord, AuditRecord, AuditRecord, AuditRecord, AuditRecord];
    expect(write).toMatchObject({ principal: 'writer-1', client: '10.1.2.3', entityType: 'message', entityIds: [messageId], source: 'lab' });
    expect(get).toMatchObject({ principal: 'writer-1', entityIds: [messageId], source: 'lab', patientId });
    expect(search).toMatchObject({ entityIds: [], count: 1 });
    expect(patient).toMatchObject({ entityType: 'patient', entityIds: [patientId], patientId });
    // Time-ordered ids, instants of now.
    expect([...records.map((r) => r.auditId)].sort()).toEqual(records.map((r) => r.auditId));
    for (const r of records) expect(Math.abs(Date.parse(r.at) - Date.now())).toBeLessThan(60_000);
  });

  it('records a denied read as denied (the caller sees 404), no token as denied, and an unknown id as not-found', async () => {
    const { t, call, all } = setup();
    const posted = await t.submit(adt('D-1'));
    const messageId = (posted as { messages: { messageId: string }[] }).messages[0]?.messageId as string;
    const denied = await call('GET', `/hl7v2/messages/${messageId}`, OTHER);
    expect([denied.status, body(denied).error.code]).toEqual([404, 'NOT_FOUND']);
    await call('GET', `/hl7v2/messages/${messageId}/staging`, undefined);
    await call('GET', '/hl7v2/messages/01JZZZZZZZZZZZZZZZZZZZZZZZ', WRITER);
    expect((await all()).map((r) => [r.principal, r.outcome, r.status, r.source])).toEqual([
      ['reader-2', 'denied', 404, 'lab'],
      ['anonymous', 'denied', 401, 'lab'],
      ['writer-1', 'not-found', 404, undefined],
    ]);
  });

  it('records nothing for routes that touch no message or patient data', async () => {
    const { call, all } = setup();
    await call('GET', '/health', undefined);
    await call('GET', '/openapi.json', undefined);
    await call('GET', '/nope', WRITER);
    expect(await all()).toEqual([]);
  });

  it('GET /audit: 401 without a token, 403 without custom:audit, the trail with it; every read of it audited', async () => {
    const { call, all } = setup();
    expect((await call('GET', '/audit', undefined)).status).toBe(401);
    expect((await call('GET', '/audit', { ...WRITER, 'custom:audit': '' })).status).toBe(403);
    expect((await call('GET', '/audit', { sub: 'x', 'custom:audit': 'yes please' })).status).toBe(403);
    const page = await call('GET', '/audit', AUDITOR, { query: { outcome: 'denied' } });
    expect(page.status).toBe(200);
    expect(body(page).items.map((r: AuditRecord) => [r.principal, r.status])).toEqual([
      ['anonymous', 401],
      ['writer-1', 403],
      ['x', 403],
    ]);
    expect((await call('GET', '/audit', AUDITOR, { query: { action: 'nope' } })).status).toBe(400);
    const trail = await all();
    expect(trail.map((r) => [r.route, r.principal, r.outcome])).toEqual([
      ['/audit', 'anonymous', 'denied'],
      ['/audit', 'writer-1', 'denied'],
      ['/audit', 'x', 'denied'],
      ['/audit', 'auditor-1', 'success'],
      ['/audit', 'auditor-1', 'invalid'],
    ]);
    expect(trail[3]?.count).toBe(3);
  });

  it('GET /audit pages with its cursor and filters on principal and entity', async () => {
    const { t, call } = setup();
    const posted = await t.submit(adt('P-1'));
    const messageId = (posted as { messages: { messageId: string }[] }).messages[0]?.messageId as string;
    for (let i = 0; i < 3; i++) await call('GET', `/hl7v2/messages/${messageId}`, WRITER);
    await call('GET', `/hl7v2/messages/${messageId}`, OTHER);
    const first = body(await call('GET', '/audit', AUDITOR, { query: { entity: messageId, principal: 'writer-1', limit: '2' } }));
    expect(first.items).toHaveLength(2);
    const second = body(await call('GET', '/audit', AUDITOR, { query: { entity: messageId, principal: 'writer-1', limit: '2', cursor: first.cursor } }));
    expect(second.items).toHaveLength(1);
    expect(second.cursor).toBeUndefined();
    expect((await call('GET', '/audit', AUDITOR, { query: { cursor: 'not-a-cursor' } })).status).toBe(400);
  });

  it('answers 500 and not the data when the trail refuses the record', async () => {
    const t = testApp();
    const logger = recordingLogger();
    const failing = { append: async () => Promise.reject(new Error('disk full')), query: async () => ({ records: [] }) };
    const api = createHttpApi({ read: t.app.read, audit: { trail: failing, logger } });
    const r = await api.handle({ method: 'GET', path: '/hl7v2/messages', headers: {}, query: {}, claims: WRITER });
    expect([r.status, body(r).error.code]).toEqual([500, 'AUDIT_UNAVAILABLE']);
    expect(logger.lines.map((l) => [l.level, l.message])).toEqual([['error', 'audit record failed; the call is answered 500']]);
  });
});
