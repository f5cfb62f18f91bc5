import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { T0 } from '@hcdl/lake/testing';
import type { MessageRecord } from '@hcdl/lake';
import { openFixture, reader, type Fixture } from './support';

const MIN = 60_000;

describe('message reads', () => {
  let f: Fixture;
  let a1: MessageRecord;
  let a2: MessageRecord;
  let b1: MessageRecord;
  const rawA1 = 'MSH|^~\\&|LAB|NORTH|LAKE|HCDL|20240101||ORU^R01|A1|P|2.5\rPID|1||123^^^NORTH^MR\r';

  beforeAll(async () => {
    f = await openFixture();
    a1 = await f.message('north', T0, { messageType: 'ORU^R01', controlId: 'A1' }, rawA1);
    a2 = await f.message('north', T0 + MIN, { messageType: 'ADT^A01', controlId: 'SHARED' });
    b1 = await f.message('south', T0 + 2 * MIN, { messageType: 'ADT^A01', controlId: 'SHARED' });
    a1 = await f.stage(a1, { msh: { message_control_id: 'A1' } }, 'ORU_R01');
  });
  afterAll(async () => f.close());

  it('answers the catalog entry to a reader of its source', async () => {
    const r = await f.get(`/hl7v2/messages/${a1.messageId}`, reader('north'));
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ messageId: a1.messageId, source: 'north', status: 'staged', messageType: 'ORU^R01' });
  });

  it('answers 404, never 403, for a message of a source the caller may not read', async () => {
    for (const claims of [reader('south'), reader(), { 'custom:write': 'north' }]) {
      for (const suffix of ['', '/raw', '/staging', '/lineage']) {
        const r = await f.get(`/hl7v2/messages/${a1.messageId}${suffix}`, claims);
        expect(r.status).toBe(404);
        expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such message' } });
      }
    }
    // Same answer as for an id that does not exist: no oracle.
    const missing = await f.get('/hl7v2/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV', reader('*'));
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such message' } });
  });

  it('answers 401 without verified claims', async () => {
    for (const p of [`/hl7v2/messages/${a1.messageId}`, '/hl7v2/messages', '/hl7v2/errors', '/patients?identifier=a%23b%23c']) {
      const r = await f.get(p, undefined);
      expect(r.status).toBe(401);
      expect(r.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('returns the raw bytes exactly, with their content type', async () => {
    const r = await f.get(`/hl7v2/messages/${a1.messageId}/raw`, reader('north'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/hl7-v2');
    expect(Buffer.from(r.body as Uint8Array).toString('utf8')).toBe(rawA1);
  });

  it('returns the staging JSON, and NOT_STAGED while there is none', async () => {
    const r = await f.get(`/hl7v2/messages/${a1.messageId}/staging`, reader('*'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json()).toEqual({ msh: { message_control_id: 'A1' } });
    const notYet = await f.get(`/hl7v2/messages/${a2.messageId}/staging`, reader('north'));
    expect(notYet.status).toBe(404);
    expect(notYet.json().error).toMatchObject({ code: 'NOT_STAGED', details: { status: 'ingested' } });
  });

  it('lists only readable sources, and filters by source, type, status and time', async () => {
    const listed = async (q: string, claims = reader('north')) =>
      ((await f.get(`/hl7v2/messages${q}`, claims)).json().items as MessageRecord[]).map((m) => m.messageId);
    // Newest first unless sort=asc.
    expect(await listed('')).toEqual([a2.messageId, a1.messageId]);
    expect(await listed('?sort=desc', reader('*'))).toEqual([b1.messageId, a2.messageId, a1.messageId]);
    expect(await listed('?type=ADT%5EA01', reader('*'))).toEqual([b1.messageId, a2.messageId]);
    const ids = (q: string, claims = reader('north')) => listed(`${q}${q === '' ? '?' : '&'}sort=asc`, claims);
    expect(await ids('')).toEqual([a1.messageId, a2.messageId]);
    expect(await ids('', reader('*'))).toEqual([a1.messageId, a2.messageId, b1.messageId]);
    expect(await ids('', reader())).toEqual([]);
    // Asking for an unreadable source gives nothing, exactly like a source with no messages.
    expect(await ids('?source=south')).toEqual([]);
    expect(await ids('?source=south,north', reader('*'))).toEqual([a1.messageId, a2.messageId, b1.messageId]);
    expect(await ids('?type=ADT%5EA01', reader('*'))).toEqual([a2.messageId, b1.messageId]);
    expect(await ids('?status=staged', reader('*'))).toEqual([a1.messageId]);
    const since = new Date(T0 + MIN).toISOString();
    const until = new Date(T0 + 2 * MIN).toISOString();
    expect(await ids(`?since=${since}&until=${until}`, reader('*'))).toEqual([a2.messageId]);
  });

  it('filters by control id (MSH-10) exactly, within the readable sources, and refuses HL7 delimiters', async () => {
    const ids = async (q: string, claims = reader('*')) =>
      ((await f.get(`/hl7v2/messages${q}`, claims)).json().items as MessageRecord[]).map((m) => m.messageId);
    expect(await ids('?controlId=SHARED')).toEqual([b1.messageId, a2.messageId]);
    expect(await ids('?controlId=SHARED', reader('south'))).toEqual([b1.messageId]);
    expect(await ids('?controlId=A1&type=ORU%5ER01')).toEqual([a1.messageId]);
    expect(await ids('?controlId=SHARE')).toEqual([]);
    const bad = await f.get('/hl7v2/messages?controlId=A%7C1', reader('*'));
    expect(bad.status).toBe(400);
    expect(bad.json().error.details).toEqual({ parameter: 'controlId' });
  });

  it('pages with an opaque cursor, in either order, and refuses a cursor given with other filters or another order', async () => {
    const pageAll = async (sort: string): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await f.get(`/hl7v2/messages?limit=1${sort}${cursor ? `&cursor=${cursor}` : ''}`, reader('*'));
        expect(r.status).toBe(200);
        const body = r.json();
        expect(body.items.length).toBeLessThanOrEqual(1);
        seen.push(...body.items.map((m: MessageRecord) => m.messageId));
        cursor = body.cursor;
        pages++;
      } while (cursor !== undefined && pages < 10);
      return seen;
    };
    expect(await pageAll('&sort=asc')).toEqual([a1.messageId, a2.messageId, b1.messageId]);
    expect(await pageAll('')).toEqual([b1.messageId, a2.messageId, a1.messageId]);
    const newest = (await f.get('/hl7v2/messages?limit=1', reader('*'))).json();
    expect((await f.get(`/hl7v2/messages?limit=1&sort=asc&cursor=${newest.cursor}`, reader('*'))).json().error).toMatchObject({
      details: { parameter: 'cursor' },
    });
    const first = (await f.get('/hl7v2/messages?limit=1', reader('*'))).json();
    expect(typeof first.cursor).toBe('string');
    const other = await f.get(`/hl7v2/messages?limit=1&status=staged&cursor=${first.cursor}`, reader('*'));
    expect(other.status).toBe(400);
    expect(other.json().error).toMatchObject({ code: 'BAD_REQUEST', details: { parameter: 'cursor' } });
    const garbage = await f.get('/hl7v2/messages?cursor=not-a-cursor', reader('*'));
    expect(garbage.json().error.details).toEqual({ parameter: 'cursor' });
  });

  it.each([
    ['sort=newest', 'sort'],
    ['status=lost', 'status'],
    ['since=yesterday', 'since'],
    ['until=2024-13-45T00:00:00Z', 'until'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=2.5', 'limit'],
    ['type=ADT', 'type'],
    ['source=no%20spaces', 'source'],
    ['patient=12345', 'patient'],
    ['colour=blue', 'colour'],
  ])('answers 400 naming the parameter for %s', async (q, parameter) => {
    const r = await f.get(`/hl7v2/messages?${q}`, reader('*'));
    expect(r.status).toBe(400);
    const body = r.json();
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.details).toEqual({ parameter });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/); // never a stack
  });

  it('answers 404 for unknown routes and 405 for other methods', async () => {
    expect((await f.get('/hl7v2/nothing', reader('*'))).status).toBe(404);
    const r = await f.api.handle({ method: 'DELETE', path: `/hl7v2/messages/${a1.messageId}`, headers: {}, query: {}, claims: reader('*') });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
  });
});
