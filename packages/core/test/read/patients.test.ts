import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { T0 } from '@hcdl/lake/testing';
import { identifierKey, newPatientId, type MessageRecord } from '@hcdl/lake';
import { openFixture, reader, type Fixture } from './support';

const at = (ms: number): string => new Date(ms).toISOString();
const q = (identifier: string): string => `/patients?identifier=${encodeURIComponent(identifier)}`;

/**
 * Two patients of source north (P1 with an MRN, P2 with an MRN and an SSN), linked by a
 * south message, then P2 merged into P1 by an ADT^A40 of north; a patient P3 known only to
 * south.
 */
describe('patient reads', () => {
  let f: Fixture;
  const p1 = newPatientId();
  const p2 = newPatientId();
  const p3 = newPatientId();
  const mrn1 = identifierKey('NORTH', 'MR', '1001');
  const mrn2 = identifierKey('NORTH', 'MR', '1002');
  const ssn2 = identifierKey('SSA', 'SS', '123-45-6789');
  const south3 = identifierKey('SOUTH', 'MR', 'S-3');
  let m1: MessageRecord;
  let m2: MessageRecord;
  let bridge: MessageRecord;
  let merge: MessageRecord;

  beforeAll(async () => {
    f = await openFixture();
    const c = f.adapters.catalog;
    m1 = await f.message('north', T0 + 1000, { patientId: p1 });
    m2 = await f.message('north', T0 + 2000, { patientId: p2 });
    bridge = await f.message('south', T0 + 3000, { patientId: p1 });
    merge = await f.message('north', T0 + 4000, { patientId: p1, messageType: 'ADT^A40' });
    await f.message('south', T0 + 5000, { patientId: p3 });
    await c.putPatientIdentifiers([
      { identifier: mrn1, patientId: p1, source: 'north', firstSeenMessageId: m1.messageId, firstSeenAt: at(T0 + 1000) },
      { identifier: mrn2, patientId: p2, source: 'north', firstSeenMessageId: m2.messageId, firstSeenAt: at(T0 + 2000) },
      { identifier: ssn2, patientId: p2, source: 'north', firstSeenMessageId: m2.messageId, firstSeenAt: at(T0 + 2000) },
      { identifier: south3, patientId: p3, source: 'south', firstSeenMessageId: 'x', firstSeenAt: at(T0 + 5000) },
    ]);
    await c.putPatientLink({ patientId: p1, linkedPatientId: p2, messageId: bridge.messageId, source: 'south', at: at(T0 + 3000) });
    await c.putPatientMerge({
      mergedPatientId: p2,
      survivorPatientId: p1,
      messageId: merge.messageId,
      messageType: 'ADT^A40',
      source: 'north',
      priorIdentifiers: [mrn2],
      at: at(T0 + 4000),
    });
  });
  afterAll(async () => f.close());

  it('shows a survivor with its identifiers, merges and the messages of its whole family', async () => {
    const r = await f.get(`/patients/${p1}`, reader('north'));
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body.patientId).toBe(p1);
    expect(body.mergedInto).toBeUndefined();
    expect(body.identifiers.map((i: { identifier: string }) => i.identifier).sort()).toEqual([mrn1, mrn2, ssn2].sort());
    expect(body.identifiers.find((i: { identifier: string }) => i.identifier === ssn2)).toMatchObject({
      authority: 'SSA',
      type: 'SS',
      value: '123-45-6789',
      patientId: p2,
      source: 'north',
    });
    expect(body.merges).toEqual([expect.objectContaining({ mergedPatientId: p2, survivorPatientId: p1, messageType: 'ADT^A40', priorIdentifiers: [mrn2] })]);
    // The link was made by a south message: a north-only reader does not see it.
    expect(body.links).toEqual([]);
    expect(body.messages.items.map((m: MessageRecord) => m.messageId).sort()).toEqual([m1.messageId, merge.messageId, m2.messageId].sort());
  });

  it('shows links to readers of the source whose message made them', async () => {
    const body = (await f.get(`/patients/${p1}`, reader('north', 'south'))).json();
    expect(body.links).toEqual([{ patientId: p1, linkedPatientId: p2, messageId: bridge.messageId, source: 'south', at: at(T0 + 3000) }]);
    expect(body.messages.items.map((m: MessageRecord) => m.messageId)).toContain(bridge.messageId);
  });

  it('says where a merged patient went', async () => {
    const body = (await f.get(`/patients/${p2}`, reader('north'))).json();
    expect(body.mergedInto).toBe(p1);
    expect(body.identifiers.map((i: { identifier: string }) => i.identifier).sort()).toEqual([mrn2, ssn2].sort());
  });

  it('cuts a patient to what the caller may read, and answers 404 when nothing is left', async () => {
    // south reads P1 through its bridging message only: no north identifiers.
    const south = (await f.get(`/patients/${p1}`, reader('south'))).json();
    expect(south.identifiers).toEqual([]);
    expect(south.merges).toEqual([]);
    expect(south.messages.items.map((m: MessageRecord) => m.messageId)).toEqual([bridge.messageId]);
    // north has nothing of P3.
    const r = await f.get(`/patients/${p3}`, reader('north'));
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such patient' } });
    expect((await f.get(`/patients/${p3}`, reader())).status).toBe(404);
    expect((await f.get(`/patients/${newPatientId()}`, reader('*'))).status).toBe(404);
    expect((await f.get('/patients/not-a-patient', reader('*'))).status).toBe(404);
  });

  it('pages the messages of a family with an opaque cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const body = (await f.get(`/patients/${p1}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, reader('*'))).json();
      expect(body.messages.items.length).toBeLessThanOrEqual(1);
      seen.push(...body.messages.items.map((m: MessageRecord) => m.messageId));
      cursor = body.messages.cursor;
      if (cursor === undefined) break;
    }
    expect(seen.sort()).toEqual([m1.messageId, bridge.messageId, merge.messageId, m2.messageId].sort());
    // The same cursor on another patient is refused.
    const first = (await f.get(`/patients/${p1}?limit=1`, reader('*'))).json();
    const other = await f.get(`/patients/${p2}?limit=1&cursor=${first.messages.cursor}`, reader('*'));
    expect(other.status).toBe(400);
    expect(other.json().error.details).toEqual({ parameter: 'cursor' });
  });

  it('lists the messages of a patient and of the patients merged into it', async () => {
    const ids = (await f.get(`/hl7v2/messages?patient=${p1}&source=north`, reader('*'))).json().items.map((m: MessageRecord) => m.messageId);
    expect(ids.sort()).toEqual([m1.messageId, merge.messageId, m2.messageId].sort());
    const onlyP2 = (await f.get(`/hl7v2/messages?patient=${p2}`, reader('*'))).json().items.map((m: MessageRecord) => m.messageId);
    expect(onlyP2).toEqual([m2.messageId]);
  });

  it('finds the surviving patient of an identifier, following merges', async () => {
    const direct = await f.get(q(mrn1), reader('north'));
    expect(direct.status).toBe(200);
    expect(direct.json()).toEqual({ items: [{ patientId: p1, identifier: mrn1, href: `/patients/${p1}` }] });
    const merged = (await f.get(q(ssn2), reader('north'))).json();
    expect(merged.items).toEqual([{ patientId: p1, identifier: ssn2, href: `/patients/${p1}`, recordedFor: p2 }]);
  });

  it('finds nothing for an unknown identifier or one the caller may not read', async () => {
    expect((await f.get(q(identifierKey('NORTH', 'MR', 'nope')), reader('*'))).json()).toEqual({ items: [] });
    expect((await f.get(q(south3), reader('north'))).json()).toEqual({ items: [] });
    expect((await f.get(q(south3), reader('south'))).json().items[0].patientId).toBe(p3);
  });

  it.each([
    ['/patients', 'identifier'],
    ['/patients?identifier=no-hashes', 'identifier'],
    ['/patients?identifier=a%23b%23', 'identifier'],
    [`/patients?identifier=a%23b%23c&x=1`, 'x'],
  ])('answers 400 for %s', async (p, parameter) => {
    const r = await f.get(p, reader('*'));
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'BAD_REQUEST', details: { parameter } });
  });
});
