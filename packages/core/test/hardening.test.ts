/**
 * Answers found by probing the lake as an attacker would (issue 13, "Hardening"): each
 * reproduction is a 4xx with a clear reason, never a 500, and sender text quoted in
 * diagnostics is bounded.
 */
import { describe, expect, it } from '@jest/globals';
import type { Diagnostic } from '@hcdl/hl7v2';
import { ackFor, boundedDiagnostic, createHttpApi, MAX_DIAGNOSTIC_TEXT, NO_STORE, submitAnswer } from '../src/index';
import { adt, testApp, WRITER } from './support';

const json = (r: { body: string | Uint8Array }): any => JSON.parse(typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8'));
const STAR = { sub: 'admin', 'custom:write': '*', 'custom:read': '*' };

describe('hardening', () => {
  it.each(['../x', 'a/b', '*', ' spaced', `x${'y'.repeat(70)}`])(
    'a * writer naming the source %j gets 400 INVALID_SOURCE with the rule, and nothing is stored',
    async (source) => {
      const t = testApp();
      const out = await t.app.submit({ claims: STAR, source, contentType: 'application/hl7-v2', body: Buffer.from(adt('S1')) });
      expect(out).toMatchObject({ kind: 'bad-request', code: 'INVALID_SOURCE', message: expect.stringContaining('1-64 letters, digits') });
      expect(submitAnswer(out, { headers: {} }).status).toBe(400);
      expect(t.objectStore.objects.size).toBe(0);
      expect(t.catalog.messages.size).toBe(0);
    },
  );

  it.each(['2024-02-30', '2023-02-29T00:00:00Z', '2024-13-01', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:61:00Z'])(
    'refuses the impossible date since=%s with 400 on since (not read as the next day)',
    async (since) => {
      const t = testApp();
      const api = createHttpApi({ read: t.app.read });
      const r = await api.handle({ method: 'GET', path: '/hl7v2/messages', headers: {}, query: { since }, claims: WRITER });
      expect(r.status).toBe(400);
      expect(json(r).error.details).toEqual({ parameter: 'since' });
    },
  );

  it('takes real dates, leap days included', async () => {
    const t = testApp();
    const api = createHttpApi({ read: t.app.read });
    for (const since of ['2024-02-29', '2024-02-29T23:59:59.999+05:30', '2025-12-31T00:00:00Z']) {
      expect((await api.handle({ method: 'GET', path: '/hl7v2/messages', headers: {}, query: { since }, claims: WRITER })).status).toBe(200);
    }
  });

  it('an edited cursor that keeps its fingerprint answers 400 on cursor, not 500', async () => {
    const t = testApp();
    for (const i of [1, 2, 3]) await t.submit(adt(`C${i}`, `MRN-${i}`));
    const api = createHttpApi({ read: t.app.read });
    const first = await api.handle({ method: 'GET', path: '/hl7v2/messages', headers: {}, query: { limit: '1' }, claims: WRITER });
    const cursor = json(first).cursor as string;
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const edited = Buffer.from(JSON.stringify({ ...state, c: 'not-a-catalog-cursor' })).toString('base64url');
    const r = await api.handle({ method: 'GET', path: '/hl7v2/messages', headers: {}, query: { limit: '1', cursor: edited }, claims: WRITER });
    expect(r.status).toBe(400);
    expect(json(r).error).toMatchObject({ code: 'BAD_REQUEST', details: { parameter: 'cursor' } });
  });

  it('every answer carries Cache-Control: no-store and X-Content-Type-Options: nosniff', async () => {
    const t = testApp();
    const api = createHttpApi({ submit: t.app.submit, read: t.app.read });
    const posted = await api.handle({
      method: 'POST',
      path: '/hl7v2/er7',
      headers: { 'content-type': 'application/hl7-v2' },
      query: {},
      claims: WRITER,
      body: Buffer.from(adt('H1')),
    });
    const answers = [
      posted,
      await api.handle({ method: 'GET', path: `/hl7v2/messages/${json(posted).messageId}/raw`, headers: {}, query: {}, claims: WRITER }),
      await api.handle({ method: 'GET', path: '/hl7v2/messages/01JAAAAAAAAAAAAAAAAAAAAAAA', headers: {}, query: {}, claims: WRITER }),
      await api.handle({ method: 'GET', path: '/patients', headers: {}, query: {}, claims: WRITER }),
    ];
    for (const r of answers) expect(r.headers).toMatchObject(NO_STORE);
  });

  it('bounds sender text quoted in diagnostics: in the error zone, the catalog, the HTTP error and the ACK', async () => {
    const long = `UNKNOWN_CHARSET ${'X'.repeat(5000)}`;
    const d: Diagnostic = { code: 'UNKNOWN_CHARSET', severity: 'error', message: long, location: 'MSH[1]-18', line: 1, column: 1 };
    expect(boundedDiagnostic(d).message).toHaveLength(MAX_DIAGNOSTIC_TEXT);
    expect(boundedDiagnostic(d).message.endsWith('…')).toBe(true);
    const http = submitAnswer({ kind: 'not-hl7', messageId: '01JAAAAAAAAAAAAAAAAAAAAAAA', diagnostics: [d] }, { headers: {} });
    expect(JSON.stringify(json(http)).length).toBeLessThan(1000);
    expect(ackFor({ kind: 'not-hl7', messageId: '01JAAAAAAAAAAAAAAAAAAAAAAA', diagnostics: [d] }, 'http').ack.length).toBeLessThan(1000);

    const t = testApp();
    const out = await t.submit(adt('B1'));
    const messageId = out.kind === 'accepted' ? (out.messages[0]?.messageId as string) : '';
    const row = await t.catalog.getMessage(messageId);
    await t.app.outcomes.apply({
      outcome: 'failed',
      target: { messageId, source: 'lab', rawKey: row?.rawKey as string, attempt: 1 },
      stage: 'parse',
      diagnostics: [d],
    });
    expect((await t.catalog.listErrors({ messageId })).items[0]?.message).toHaveLength(MAX_DIAGNOSTIC_TEXT);
    const report = (await t.catalog.getMessage(messageId))?.errorKey?.replace(/\.hl7$/, '.error.json') as string;
    expect(Buffer.from((await t.objectStore.get(report))?.body ?? []).toString('utf8').length).toBeLessThan(2000);
  });
});
