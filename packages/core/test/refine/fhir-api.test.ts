/**
 * The FHIR read API over the refined zone (in-memory ports): read, vread, history, search,
 * $everything, metadata and the change feed, each behind ABAC on the sources of the messages
 * that made a resource.
 */
import { describe, expect, it } from '@jest/globals';
import { adtAt, patientOf, READER, refinedApp } from './support';

const ORU = (control: string, time: string) =>
  [
    `MSH|^~\\&|LAB|FAC|LAKE|HCDL|${time}||ORU^R01^ORU_R01|${control}|P|2.5`,
    'PID|1||MRN-1^^^HOSP^MR||DOE^JANE||19800101|F|||9 ELM ST^^BOSTON^MA^02110',
    `OBR|1|PL-1^HOSP|FL-1^LAB|2345-7^Glucose^LN|||${time}`,
    `OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99|N|||F|||${time}`,
  ].join('\r');

async function lake() {
  const t = refinedApp();
  const a01 = await t.send(adtAt('C1', '20240501100000', { visit: 'V1' }));
  const patientId = await patientOf(t, a01);
  await t.send(adtAt('C2', '20240502100000', { event: 'A08', visit: 'V1', street: '9 ELM ST' }));
  await t.send(ORU('C3', '20240503101500'));
  return { t, patientId };
}

describe('FHIR read API', () => {
  it('reads the current version and each version as application/fhir+json with its ETag', async () => {
    const { t, patientId } = await lake();
    const r = await t.get(`/fhir/Patient/${patientId}`);
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({ 'content-type': 'application/fhir+json; charset=utf-8', etag: 'W/"2"' });
    expect(r.json).toMatchObject({ resourceType: 'Patient', id: patientId, meta: { versionId: '2' } });
    const v1 = await t.get(`/fhir/Patient/${patientId}/_history/1`);
    expect(v1.json.address[0].line).toEqual(['1 MAIN ST']);
    expect((await t.get(`/fhir/Patient/${patientId}/_history/3`)).status).toBe(404);
    const history = await t.get(`/fhir/Patient/${patientId}/_history`);
    expect(history.json).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(history.json.entry.map((e: any) => [e.request.method, e.response.etag])).toEqual([
      ['PUT', 'W/"2"'],
      ['POST', 'W/"1"'],
    ]);
  });

  it('answers 404 for what the caller may not read, exactly as for what does not exist', async () => {
    const { t, patientId } = await lake();
    const stranger = { sub: 'x', 'custom:read': 'other' };
    const hidden = await t.get(`/fhir/Patient/${patientId}`, stranger);
    const missing = await t.get('/fhir/Patient/pat-01J0000000000000000000000A');
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect(hidden.body).toBe(missing.body);
    expect(hidden.json.resourceType).toBe('OperationOutcome');
    expect((await t.get(`/fhir/Patient/${patientId}/_history`, stranger)).status).toBe(404);
    expect((await t.get(`/fhir/Patient?identifier=MRN-1`, stranger)).json.entry).toEqual([]);
    expect((await t.get(`/fhir/Patient/${patientId}/$everything`, stranger)).status).toBe(404);
    expect((await t.get(`/fhir/Patient/${patientId}`, null)).status).toBe(401);
    expect((await t.get(`/fhir/Patient/${patientId}`, { 'custom:read': '*' })).status).toBe(200);
  });

  it('searches by identifier, patient, code, date and _lastUpdated into searchset Bundles', async () => {
    const { t, patientId } = await lake();
    const ids = async (path: string) => (await t.get(path)).json.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`);
    const [patient] = await ids('/fhir/Patient?identifier=MRN-1');
    expect(patient).toBe(`Patient/${patientId}`);
    const system = (await t.get(`/fhir/Patient/${patientId}`)).json.identifier.find((i: any) => i.value === 'MRN-1').system;
    expect(await ids(`/fhir/Patient?identifier=${encodeURIComponent(`${system}|MRN-1`)}`)).toEqual([`Patient/${patientId}`]);
    expect(await ids(`/fhir/Patient?identifier=${encodeURIComponent('urn:other|MRN-1')}`)).toEqual([]);
    const observations = await ids(`/fhir/Observation?patient=${patientId}&code=${encodeURIComponent('http://loinc.org|2345-7')}`);
    expect(observations).toHaveLength(1);
    expect(await ids(`/fhir/Observation?code=2345-7&date=2024-05-03`)).toEqual(observations);
    expect(await ids(`/fhir/Observation?date=lt2024-05-03`)).toEqual([]);
    expect(await ids(`/fhir/Encounter?date=ge2024-05-01&patient=Patient/${patientId}`)).toHaveLength(1);
    expect(await ids(`/fhir/Patient?_lastUpdated=ge2000-01-01`)).toEqual([`Patient/${patientId}`]);
    expect(await ids(`/fhir/Patient?_lastUpdated=lt2000-01-01`)).toEqual([]);
    const bad = await t.get('/fhir/Patient?name=DOE');
    expect([bad.status, bad.json.resourceType, bad.json.issue[0].code]).toEqual([400, 'OperationOutcome', 'invalid']);
    expect((await t.get('/fhir/Observation?date=ne2024')).status).toBe(400);
  });

  it('pages a search with next links whose cursor is bound to the search', async () => {
    const { t } = await lake();
    const all = (await t.get('/fhir/MessageHeader')).json.entry.map((e: any) => e.resource.id);
    expect(all).toHaveLength(3);
    const seen: string[] = [];
    let path: string | undefined = '/fhir/MessageHeader?_count=2';
    while (path !== undefined) {
      const page: any = (await t.get(path)).json;
      seen.push(...page.entry.map((e: any) => e.resource.id));
      const next = page.link.find((l: any) => l.relation === 'next');
      path = next === undefined ? undefined : `${new URL(next.url).pathname}${new URL(next.url).search}`;
      if (next !== undefined) expect((await t.get(`/fhir/Organization?cursor=${new URL(next.url).searchParams.get('cursor')}`)).status).toBe(400);
    }
    expect(seen).toEqual(all);
  });

  it('$everything answers the patient and what is about it', async () => {
    const { t, patientId } = await lake();
    const r = await t.get(`/fhir/Patient/${patientId}/$everything`);
    const types = r.json.entry.map((e: any) => e.resource.resourceType);
    expect(types).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'Observation', 'DiagnosticReport']));
    expect(r.json.entry.every((e: any) => e.resource.resourceType === 'Patient' || JSON.stringify(e.resource).includes(`Patient/${patientId}`))).toBe(true);
  });

  it('describes itself at /fhir/metadata (no token needed) and refuses writes and unknown types', async () => {
    const { t } = await lake();
    const meta = await t.get('/fhir/metadata', null);
    expect(meta.json).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    const patient = meta.json.rest[0].resource.find((r: any) => r.type === 'Patient');
    expect(patient.searchParam.map((p: any) => p.name)).toEqual(expect.arrayContaining(['identifier', '_lastUpdated']));
    expect(patient.operation[0].name).toBe('everything');
    expect((await t.get('/fhir/Bogus/1')).status).toBe(404);
    const post = await t.refined.fhir.handle({ method: 'POST', path: '/fhir/Patient', headers: {}, query: {}, claims: READER });
    expect(post.status).toBe(405);
  });

  it('the change feed lists every version with its resource and lineage, from a position, by type and source', async () => {
    const { t, patientId } = await lake();
    const all = await t.app.refined?.fhir.handle({ method: 'GET', path: '/fhir/_changes', headers: {}, query: { _type: 'Patient' }, claims: READER });
    const feed = JSON.parse(all?.body as string);
    expect(feed.items.map((i: any) => [i.eventId, i.change, i.previousVersionId])).toEqual([
      [`Patient/${patientId}/_history/1`, 'create', undefined],
      [`Patient/${patientId}/_history/2`, 'update', '1'],
    ]);
    expect(feed.items[1].resource).toMatchObject({ resourceType: 'Patient', meta: { versionId: '2' } });
    expect(feed.items[1].lineage.rawKey).toMatch(/^raw\/source=lab\//);
    const after = JSON.parse(
      (
        await t.app.refined?.fhir.handle({
          method: 'GET',
          path: '/fhir/_changes',
          headers: {},
          query: { _type: 'Patient', since: feed.items[0].position },
          claims: READER,
        })
      )?.body as string,
    );
    expect(after.items.map((i: any) => i.versionId)).toEqual(['2']);
    const none = JSON.parse(
      (await t.app.refined?.fhir.handle({ method: 'GET', path: '/fhir/_changes', headers: {}, query: {}, claims: { 'custom:read': 'other' } }))?.body as string,
    );
    expect(none.items).toEqual([]);
    const bad = await t.app.refined?.fhir.handle({ method: 'GET', path: '/fhir/_changes', headers: {}, query: { since: 'x' }, claims: READER });
    expect(bad?.status).toBe(400);
  });
});
