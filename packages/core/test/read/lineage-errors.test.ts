import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorRecord, T0 } from '@hcdl/lake/testing';
import { errorKey, errorReportKey, type MessageRecord } from '@hcdl/lake';
import { openFixture, reader, type Fixture } from './support';

const at = (ms: number): string => new Date(ms).toISOString();

/** A message that failed twice and was then staged by a replay, and one still in error. */
describe('lineage and error reads', () => {
  let f: Fixture;
  let replayed: MessageRecord;
  let failing: MessageRecord;

  async function fail(record: MessageRecord, attempt: number, code: string, ms: number): Promise<MessageRecord> {
    await f.adapters.catalog.putErrors([errorRecord(record.messageId, attempt, code, at(ms), { location: 'PID[1]-3', line: 2, column: 5 })]);
    const eKey = errorKey(record.source, record.messageId);
    await f.adapters.objectStore.put({ key: eKey, body: 'raw', tags: { data_src: record.rawKey } });
    await f.adapters.objectStore.put({ key: errorReportKey(record.source, record.messageId), body: '{}', contentType: 'application/json' });
    return f.adapters.catalog.updateMessage(record.messageId, { status: 'error', errorKey: eKey, attempts: attempt });
  }

  beforeAll(async () => {
    f = await openFixture();
    replayed = await f.message('north', T0);
    replayed = await fail(replayed, 1, 'MISSING_SEGMENT', T0 + 10);
    replayed = await fail(replayed, 2, 'BAD_DATE', T0 + 20);
    replayed = await f.stage(replayed, { ok: true });
    failing = await f.message('south', T0 + 100);
    failing = await fail(failing, 1, 'MISSING_SEGMENT', T0 + 110);
  });
  afterAll(async () => f.close());

  it('shows every attempt, its diagnostics, and the zone objects from raw on', async () => {
    const r = await f.get(`/hl7v2/messages/${replayed.messageId}/lineage`, reader('north'));
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ messageId: replayed.messageId, source: 'north', status: 'staged', attempts: 3 });
    expect(body.objects.map((o: { zone: string }) => o.zone)).toEqual(['raw', 'error', 'error-report', 'staging']);
    expect(body.objects[0].key).toBe(replayed.rawKey);
    expect(body.objects[3].key).toBe(replayed.stagingKey);
    expect(body.history).toEqual([
      {
        attempt: 1,
        outcome: 'error',
        at: at(T0 + 10),
        stage: 'parse',
        errors: [expect.objectContaining({ code: 'MISSING_SEGMENT', location: 'PID[1]-3', severity: 'error' })],
      },
      { attempt: 2, outcome: 'error', at: at(T0 + 20), stage: 'parse', errors: [expect.objectContaining({ code: 'BAD_DATE' })] },
      { attempt: 3, outcome: 'staged', at: expect.any(String) },
    ]);
  });

  it('lists diagnostics over readable sources, with the message source and current status', async () => {
    const latest = (await f.get('/hl7v2/errors', reader('north'))).json();
    expect(latest.items.map((e: { code: string }) => e.code)).toEqual(['BAD_DATE', 'MISSING_SEGMENT']);
    const north = (await f.get('/hl7v2/errors?sort=asc', reader('north'))).json();
    expect(north.items.map((e: { code: string }) => e.code)).toEqual(['MISSING_SEGMENT', 'BAD_DATE']);
    expect(north.items[0]).toMatchObject({
      messageId: replayed.messageId,
      attempt: 1,
      source: 'north',
      status: 'staged',
      messageType: 'ADT^A01',
      location: 'PID[1]-3',
      line: 2,
      column: 5,
    });
    const all = (await f.get('/hl7v2/errors', reader('*'))).json();
    expect(all.items).toHaveLength(3);
    expect((await f.get('/hl7v2/errors?source=south', reader('north'))).json()).toEqual({ items: [] });
    expect((await f.get('/hl7v2/errors', reader())).json()).toEqual({ items: [] });
  });

  it('filters diagnostics by source, since and code, and pages them', async () => {
    const codes = async (q: string) =>
      (await f.get(`/hl7v2/errors${q}&sort=asc`, reader('*')))
        .json()
        .items.map((e: { messageId: string; code: string }) => `${e.messageId === failing.messageId ? 'S' : 'N'}:${e.code}`);
    expect(await codes('?source=south')).toEqual(['S:MISSING_SEGMENT']);
    expect(await codes(`?since=${at(T0 + 15)}`)).toEqual(['N:BAD_DATE', 'S:MISSING_SEGMENT']);
    expect(await codes('?code=MISSING_SEGMENT')).toEqual(['N:MISSING_SEGMENT', 'S:MISSING_SEGMENT']);
    const first = (await f.get('/hl7v2/errors?limit=2&sort=asc', reader('*'))).json();
    expect(first.items).toHaveLength(2);
    const second = (await f.get(`/hl7v2/errors?limit=2&sort=asc&cursor=${first.cursor}`, reader('*'))).json();
    expect(second.items.map((e: { code: string }) => e.code)).toEqual(['MISSING_SEGMENT']);
    expect(second.cursor).toBeUndefined();
    expect((await f.get(`/hl7v2/errors?limit=2&sort=asc&code=BAD_DATE&cursor=${first.cursor}`, reader('*'))).status).toBe(400);
    // Newest first by default: the same three diagnostics, reversed, over two pages.
    const asc = [...first.items, ...second.items].map((e: { messageId: string; attempt: number; code: string }) => `${e.messageId}/${e.attempt}/${e.code}`);
    const d1 = (await f.get('/hl7v2/errors?limit=2', reader('*'))).json();
    const d2 = (await f.get(`/hl7v2/errors?limit=2&cursor=${d1.cursor}`, reader('*'))).json();
    expect([...d1.items, ...d2.items].map((e: { messageId: string; attempt: number; code: string }) => `${e.messageId}/${e.attempt}/${e.code}`)).toEqual(
      asc.reverse(),
    );
  });

  it.each([
    ['since=soon', 'since'],
    ['code=no%20way', 'code'],
    ['status=error', 'status'],
  ])('answers 400 for %s', async (q, parameter) => {
    const r = await f.get(`/hl7v2/errors?${q}`, reader('*'));
    expect(r.status).toBe(400);
    expect(r.json().error.details).toEqual({ parameter });
  });
});
