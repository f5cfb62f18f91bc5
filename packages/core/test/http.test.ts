/**
 * The HTTP translation and the ACK policy, shared by the local server, the Lambda handlers
 * and the MLLP listener: one answer per submit outcome, the same on every transport.
 */
import { describe, expect, it } from '@jest/globals';
import { type Diagnostic, readHeader } from '@hcdl/hl7v2';
import { ackFor, createHttpApi, notStoredAck, type SubmitOutcome, submitAnswer } from '../src/index';
import { adt, testApp, WRITER } from './support';

const header = readHeader(adt('CTL-9'));
const diag: Diagnostic = { code: 'NO_MSH', severity: 'error', message: 'no MSH segment', location: 'MSH', line: 1, column: 1 };
const ingested = { status: 'ingested' as const, messageId: '01JAAAAAAAAAAAAAAAAAAAAAAA', controlId: 'CTL-9', messageType: 'ADT^A01' };
const duplicate = { status: 'duplicate' as const, messageId: '01JBBBBBBBBBBBBBBBBBBBBBBB' };

const body = (r: { body: string | Uint8Array }): any => JSON.parse(typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8'));
const msa = (ack: string): string[] => (ack.split('\r').find((s) => s.startsWith('MSA|')) ?? '').split('|');

describe('submitAnswer: the HTTP answer of each outcome', () => {
  it.each<[string, SubmitOutcome, number, string]>([
    ['unauthorized', { kind: 'unauthorized' }, 401, 'UNAUTHORIZED'],
    ['forbidden', { kind: 'forbidden', message: 'no' }, 403, 'FORBIDDEN'],
    ['too large', { kind: 'too-large', limit: 10 }, 413, 'PAYLOAD_TOO_LARGE'],
    ['unsupported media type', { kind: 'unsupported-media-type', message: 'send HL7' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['bad request', { kind: 'bad-request', code: 'SOURCE_REQUIRED', message: 'name one' }, 400, 'SOURCE_REQUIRED'],
    ['empty batch', { kind: 'empty-batch' }, 400, 'EMPTY_BATCH'],
    ['not HL7', { kind: 'not-hl7', messageId: ingested.messageId, diagnostics: [diag] }, 400, 'NOT_HL7'],
  ])('%s: the contract error shape', (_title, outcome, status, code) => {
    const r = submitAnswer(outcome, { headers: {} });
    expect(r.status).toBe(status);
    expect(body(r).error.code).toBe(code);
  });

  it('stored: 201 with the id; duplicate: 409 with the original id; batch: 201 when any is new, 409 when none', () => {
    expect(body(submitAnswer({ kind: 'accepted', header, messages: [ingested] }, { headers: {} }))).toEqual({ ...ingested });
    const dup = submitAnswer({ kind: 'accepted', header, messages: [duplicate] }, { headers: {} });
    expect([dup.status, body(dup)]).toEqual([409, { status: 'duplicate', messageId: duplicate.messageId }]);
    expect(submitAnswer({ kind: 'accepted', header, messages: [ingested, duplicate], batchId: 'B' }, { headers: {} }).status).toBe(201);
    expect(submitAnswer({ kind: 'accepted', header, messages: [duplicate, duplicate], batchId: 'B' }, { headers: {} }).status).toBe(409);
  });

  it('answers an HL7 ACK when asked with Accept: application/hl7-v2, echoing MSH-10', () => {
    const r = submitAnswer({ kind: 'accepted', header, messages: [ingested] }, { headers: { Accept: 'application/hl7-v2' } });
    expect(r.headers['content-type']).toBe('application/hl7-v2');
    expect(msa(r.body as string).slice(1, 3)).toEqual(['AA', 'CTL-9']);
  });
});

describe('ackFor: one ACK policy for HTTP and MLLP', () => {
  it.each<[string, SubmitOutcome, 'AA' | 'AE' | 'AR', 'AA' | 'AE' | 'AR']>([
    ['stored', { kind: 'accepted', header, messages: [ingested] }, 'AA', 'AA'],
    // Issue 13: a duplicate was AE over HTTP and AA over MLLP; it is AA (already stored) on both.
    ['duplicate', { kind: 'accepted', header, messages: [duplicate] }, 'AA', 'AA'],
    ['batch with a new message', { kind: 'accepted', header, messages: [ingested, duplicate], batchId: 'B' }, 'AA', 'AA'],
    ['batch of duplicates', { kind: 'accepted', header, messages: [duplicate], batchId: 'B' }, 'AA', 'AA'],
    ['not HL7', { kind: 'not-hl7', messageId: ingested.messageId, diagnostics: [diag] }, 'AR', 'AR'],
    ['too large', { kind: 'too-large', limit: 10 }, 'AR', 'AR'],
    ['forbidden', { kind: 'forbidden', message: 'no' }, 'AR', 'AR'],
  ])('%s: HTTP %s, MLLP %s', (_title, outcome, http, mllp) => {
    expect(ackFor(outcome, 'http').code).toBe(http);
    expect(ackFor(outcome, 'mllp').code).toBe(mllp);
    expect(msa(ackFor(outcome, 'mllp', header).ack)[1]).toBe(mllp);
    expect(ackFor(outcome, 'http', header).ack.replace(/\|\d{14}\+0000\||\|A[0-9A-Z]{19}\|/g, '|')).toBe(
      ackFor(outcome, 'mllp', header).ack.replace(/\|\d{14}\+0000\||\|A[0-9A-Z]{19}\|/g, '|'),
    );
  });

  it('carries the diagnostics of refused input as ERR segments', () => {
    const { ack } = ackFor({ kind: 'not-hl7', messageId: ingested.messageId, diagnostics: [diag] }, 'http');
    expect(ack.split('\r').filter((s) => s.startsWith('ERR|'))).toHaveLength(1);
    expect(ack).toContain('NO_MSH');
  });

  it('a failure to store is an AR asking to send again', () => {
    expect(notStoredAck(header)).toMatchObject({ code: 'AR', text: 'the message was not stored; send it again' });
  });
});

describe('createHttpApi: the routes over the use-cases', () => {
  it('posts a message, reads it back, answers 405 with Allow for other methods and 404 for unknown routes', async () => {
    const t = testApp();
    const api = createHttpApi({ submit: t.app.submit, read: t.app.read });
    const posted = await api.handle({
      method: 'POST',
      path: '/hl7v2/er7',
      headers: { 'content-type': 'application/hl7-v2' },
      query: { source: 'lab' },
      claims: WRITER,
      body: Buffer.from(adt('H-1')),
    });
    expect(posted.status).toBe(201);
    const { messageId } = body(posted);
    const read = await api.handle({ method: 'GET', path: `/hl7v2/messages/${messageId}/`, headers: {}, query: {}, claims: WRITER });
    expect([read.status, body(read).controlId]).toEqual([200, 'H-1']);
    const put = await api.handle({ method: 'PUT', path: '/hl7v2/er7', headers: {}, query: {}, claims: WRITER });
    expect([put.status, put.headers.allow]).toEqual([405, 'POST']);
    expect((await api.handle({ method: 'GET', path: '/nope', headers: {}, query: {}, claims: WRITER })).status).toBe(404);
    expect(body(await api.handle({ method: 'GET', path: '/health', headers: {}, query: {}, claims: undefined }))).toEqual({ status: 'ok' });
  });

  it('serves only what it is given: a read-only deployment has no submit route', async () => {
    const t = testApp();
    const api = createHttpApi({ read: t.app.read });
    expect((await api.handle({ method: 'POST', path: '/hl7v2/er7', headers: {}, query: {}, claims: WRITER })).status).toBe(404);
  });
});
