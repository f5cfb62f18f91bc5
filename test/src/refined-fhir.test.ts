/**
 * The refined FHIR zone end to end on the local lake (issue 14 targets): a POSTed ADT^A01
 * becomes a Patient and an Encounter readable at /fhir with one create event each; the same
 * message again is a 409 and no event; an A08 with a new address makes Patient version 2 and
 * one update event naming version 1; an A40 makes merge events and the old Patient links to
 * the new one. Events are watched on the lake's hub (what a subscriber gets) and on the
 * change stream (what an HTTP client gets).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FhirChangedEvent } from '@hcdl/lake';
import { A01, a08Of, a40Of, readEvents, recordFhirChanges } from './support/fhir';
import { getJson, post, startTestLake, type TestLake } from './support/harness';

let t: TestLake;
let token: string;
let events: FhirChangedEvent['body'][] = [];

beforeAll(async () => {
  t = await startTestLake();
  token = await t.token({ write: 'ghh', read: 'ghh' });
  events = recordFhirChanges(t);
}, 120_000);
afterAll(async () => t?.close(), 60_000);

const ofType = (type: string) => events.filter((e) => e.resourceType === type);
const fhir = async (path: string) => {
  const res = await fetch(`${t.url}/fhir${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as any };
};

describe('refined FHIR zone on the local lake', () => {
  let patientId: string;

  it('ADT^A01: Patient and Encounter readable at /fhir, one create event each', async () => {
    const res = await post(t.url, A01, { token });
    expect(res.status).toBe(201);
    await t.lake.idle();
    const row = await getJson(t.url, `/hl7v2/messages/${res.json().messageId}`, token);
    patientId = row.json.patientId.replace('pat_', 'pat-');
    expect(ofType('Patient')).toEqual([
      expect.objectContaining({ resourceId: patientId, change: 'create', versionId: '1', eventId: `Patient/${patientId}/_history/1` }),
    ]);
    expect(ofType('Encounter')).toEqual([expect.objectContaining({ change: 'create', versionId: '1' })]);
    const patient = await fhir(`/Patient/${patientId}`);
    expect(patient.status).toBe(200);
    expect(patient.type).toBe('application/fhir+json; charset=utf-8');
    expect(patient.json).toMatchObject({ resourceType: 'Patient', id: patientId, meta: { versionId: '1' } });
    const encounterId = ofType('Encounter')[0]?.resourceId;
    expect((await fhir(`/Encounter/${encounterId}`)).json).toMatchObject({ resourceType: 'Encounter', subject: { reference: `Patient/${patientId}` } });
    const search = await fhir(`/Encounter?patient=${patientId}`);
    expect(search.json.entry.map((e: any) => e.resource.id)).toEqual([encounterId]);
  }, 120_000);

  it('the same message again: 409, no event', async () => {
    const before = events.length;
    const res = await post(t.url, A01, { token });
    expect(res.status).toBe(409);
    await t.lake.idle();
    expect(events.length).toBe(before);
  }, 60_000);

  it('A08 with a new address: Patient version 2, one update event with previous version 1', async () => {
    const res = await post(t.url, a08Of('E2E-A08', '20290901080000+0115', '42 NEW ROAD'), { token });
    expect(res.status).toBe(201);
    await t.lake.idle();
    expect(ofType('Patient').filter((e) => e.change === 'update')).toEqual([
      expect.objectContaining({ resourceId: patientId, versionId: '2', previousVersionId: '1', messageId: res.json().messageId }),
    ]);
    const patient = await fhir(`/Patient/${patientId}`);
    expect(patient.json.meta.versionId).toBe('2');
    expect(JSON.stringify(patient.json.address)).toContain('42 NEW ROAD');
    expect(JSON.stringify((await fhir(`/Patient/${patientId}/_history/1`)).json.address)).not.toContain('42 NEW ROAD');
  }, 60_000);

  it('A40: merge event, the old Patient links to the new', async () => {
    const res = await post(t.url, a40Of('E2E-A40', '20291001080000+0115', 'NEW-MRN-1'), { token });
    expect(res.status).toBe(201);
    await t.lake.idle();
    const merges = events.filter((e) => e.change === 'merge');
    const old = merges.find((e) => e.resourceId === patientId);
    expect(old).toMatchObject({ versionId: '3', previousVersionId: '2' });
    const survivor = merges.find((e) => e.resourceId !== patientId)?.resourceId as string;
    const retired = await fhir(`/Patient/${patientId}`);
    expect(retired.json).toMatchObject({ active: false, link: [{ type: 'replaced-by', other: { reference: `Patient/${survivor}` } }] });
    expect((await fhir(`/Patient/${survivor}`)).json.link).toEqual([{ type: 'replaces', other: { reference: `Patient/${patientId}` } }]);
  }, 60_000);

  it('the change feed and its event stream carry each version once, in order, with the resource', async () => {
    const feed = await getJson(t.url, '/fhir/_changes?_type=Patient', token);
    expect(feed.json.items.map((i: any) => i.eventId)).toEqual(ofType('Patient').map((e) => e.eventId));
    expect(feed.json.items[1].resource.meta.versionId).toBe('2');
    const wanted = ofType('Patient').length;
    const streamed = await readEvents(`${t.url}/fhir/_changes/stream?since=0&_type=Patient`, token, (es) => es.length >= wanted, 60_000);
    expect(streamed.map((e) => JSON.parse(e.data).eventId)).toEqual(ofType('Patient').map((e) => e.eventId));
    expect(streamed.every((e) => e.event === 'fhir-changed' && e.id === JSON.parse(e.data).position)).toBe(true);
    // nothing of another source
    const stranger = await t.token({ read: 'elsewhere' });
    expect((await getJson(t.url, '/fhir/_changes', stranger)).json.items).toEqual([]);
    expect((await getJson(t.url, `/fhir/Patient/${patientId}`, stranger)).status).toBe(404);
  }, 120_000);
});
