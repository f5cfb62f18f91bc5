import { describe, expect, it } from '@jest/globals';
import { parseMessage, type Message } from '@hcdl/hl7v2';
import { contentKey, convertMessage, messageEventTime, sameContent, toDateTime, type V2Message } from '../src/index';
import { compareBundles } from './support/meaning';

/** A segment from its fields by number (index 0 is the segment id). */
function seg(fields: Record<number, string>, id: string): string {
  const n = Math.max(...Object.keys(fields).map(Number));
  const out = [id];
  for (let i = 1; i <= n; i++) out.push(fields[i] ?? '');
  return out.join('|');
}

const ctx = { messageId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2', source: 'demo' };
const A01 = [
  'MSH|^~\\&|ADT|GENHOSP|LAKE|HCDL|20240601120000+0200||ADT^A01^ADT_A01|C1|P|2.5',
  'EVN|A01|20240601115500+0200',
  'PID|1||123456^^^GENHOSP&2.16.840.1.113883.3.1&ISO^MR||DOE^JANE^Q||19800102|F|||1 MAIN ST^^SPRINGFIELD^IL^62701',
  seg({ 1: '1', 2: 'I', 3: '4WEST^101^1^GENHOSP', 7: '1234^SMITH^JOHN^^^DR', 10: 'MED', 19: 'V100^^^GENHOSP^VN', 44: '202406011130+0200' }, 'PV1'),
  'ZPI|1|VIP^Flag^LOCAL',
].join('\r');

const types = (r: { resources: { resourceType: string }[] }): string[] => r.resources.map((x) => x.resourceType);

describe('convertMessage', () => {
  it('accepts @hcdl/hl7v2 Message through the structural interface', () => {
    const m: Message = parseMessage(A01);
    const structural: V2Message = m;
    expect(convertMessage(structural, ctx).resources.length).toBeGreaterThan(3);
  });

  it('maps an ADT^A01 to Patient, Encounter, Location, Practitioner, MessageHeader, Provenance, all with meta.source', () => {
    const r = convertMessage(parseMessage(A01), ctx);
    expect(types(r)).toEqual(expect.arrayContaining(['MessageHeader', 'Patient', 'Encounter', 'Location', 'Practitioner', 'Provenance']));
    for (const res of r.resources) expect(res.meta?.source).toBe(`urn:hcdl:message:${ctx.messageId}`);
    expect(r.bundle.type).toBe('transaction');
    expect((r.bundle.entry as { request: { method: string; url: string } }[]).every((e) => e.request.method === 'PUT')).toBe(true);
    const enc = r.resources.find((x) => x.resourceType === 'Encounter');
    expect(enc?.period).toEqual({ start: '2024-06-01T11:30:00+02:00' });
    expect(enc?.status).toBe('in-progress');
  });

  it('gives the same Patient id for the same qualified identifier in two messages, and honours patientId', () => {
    const a = convertMessage(parseMessage(A01), ctx).resources.find((x) => x.resourceType === 'Patient');
    const b = convertMessage(parseMessage(A01.replace('ADT^A01^ADT_A01|C1', 'ADT^A08^ADT_A01|C2')), {
      ...ctx,
      messageId: '01HZX3M8Q4W5E6R7T8Y9U0I1O3',
    }).resources.find((x) => x.resourceType === 'Patient');
    expect(a?.id).toBe(b?.id);
    const c = convertMessage(parseMessage(A01), { ...ctx, patientId: 'pat-42' });
    expect(c.resources.find((x) => x.resourceType === 'Patient')?.id).toBe('pat-42');
    expect((c.resources.find((x) => x.resourceType === 'Encounter')?.subject as { reference: string }).reference).toBe('Patient/pat-42');
  });

  it('keeps Z-segments as MessageHeader extensions and reports them', () => {
    const r = convertMessage(parseMessage(A01), ctx);
    expect(r.notes).toContainEqual(expect.objectContaining({ location: 'ZPI[1]', code: 'unmapped-segment' }));
    const header = r.resources.find((x) => x.resourceType === 'MessageHeader');
    expect(JSON.stringify(header?.extension)).toContain('ZPI|1|VIP^Flag^LOCAL');
  });

  it('states merges structurally and with Patient.link (A40)', () => {
    const a40 = [
      'MSH|^~\\&|ADT|GENHOSP|LAKE|HCDL|20240601120000||ADT^A40^ADT_A39|C3|P|2.5',
      'EVN|A40|20240601120000',
      'PID|1||123456^^^GENHOSP^MR||DOE^JANE',
      'MRG|999^^^GENHOSP^MR',
    ].join('\r');
    const r = convertMessage(parseMessage(a40), ctx);
    expect(r.links).toHaveLength(1);
    const link = r.links[0];
    expect(link?.replacedIdentifiers).toEqual(['GENHOSP#MR#999']);
    expect(link?.survivingIdentifiers).toEqual(['GENHOSP#MR#123456']);
    const survivor = r.resources.find((x) => x.id === link?.survivingPatientId);
    const retired = r.resources.find((x) => x.id === link?.replacedPatientId);
    expect(survivor?.link).toEqual([{ other: { reference: `Patient/${retired?.id}` }, type: 'replaces' }]);
    expect(retired?.link).toEqual([{ other: { reference: `Patient/${survivor?.id}` }, type: 'replaced-by' }]);
  });

  it('maps ORU OBX value types and keeps every repetition', () => {
    const oru = [
      'MSH|^~\\&|LAB|GENHOSP|LAKE|HCDL|20240601120000+0000||ORU^R01|C4|P|2.5.1',
      'PID|1||77^^^GENHOSP^MR||ROE^RICHARD',
      seg({ 1: '1', 2: 'P1^LAB', 3: 'F1^LAB', 4: '24323-8^Panel^LN', 7: '202406010800+0000', 22: '202406011000+0000', 25: 'F' }, 'OBR'),
      'OBX|1|NM|2345-7^Glucose^LN||95|mg/dL^^UCUM|70-99|N|||F',
      'OBX|2|SN|2160-0^Creat^LN||<^1.5|mg/dL^^UCUM||||F',
      'OBX|3|CWE|600-7^Culture^LN||112283007^E. coli^SCT||||||F',
      'OBX|4|NM|8867-4^Heart rate^LN||60~120|/min^^UCUM||||F',
      'OBX|5|DT|1234-5^Date^LN||20240530||||||F',
    ].join('\r');
    const r = convertMessage(parseMessage(oru), ctx);
    const obs = r.resources.filter((x) => x.resourceType === 'Observation');
    expect(obs[0]?.valueQuantity).toEqual({ value: 95, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' });
    expect(obs[1]?.valueQuantity).toEqual({ value: 1.5, comparator: '<', unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' });
    expect((obs[2]?.valueCodeableConcept as { coding: { system: string }[] }).coding[0]?.system).toBe('http://snomed.info/sct');
    expect((obs[3]?.component as unknown[]).length).toBe(2);
    expect(obs[4]?.valueDateTime).toBe('2024-05-30');
    const report = r.resources.find((x) => x.resourceType === 'DiagnosticReport');
    expect((report?.result as unknown[]).length).toBe(5);
    expect(report?.status).toBe('final');
  });
});

describe('helpers for the refined stage', () => {
  it('sameContent ignores meta.versionId and lastUpdated but not content', () => {
    const a = { resourceType: 'Patient', id: 'p', meta: { versionId: '1', lastUpdated: '2024-01-01T00:00:00Z', source: 's' }, gender: 'female' };
    const b = { id: 'p', gender: 'female', resourceType: 'Patient', meta: { source: 's', versionId: '2' } };
    expect(sameContent(a, b)).toBe(true);
    expect(sameContent(a, { ...b, gender: 'male' })).toBe(false);
    expect(contentKey(a)).toBe(contentKey(b));
  });

  it('messageEventTime prefers EVN-2 over MSH-7 and orders messages', () => {
    const t = messageEventTime(parseMessage(A01));
    expect(t?.from).toBe('EVN-2');
    expect(t?.dateTime).toBe('2024-06-01T11:55:00+02:00');
    const noEvn = messageEventTime(parseMessage('MSH|^~\\&|A|B|C|D|20240601120000+0200||ADT^A08|C9|P|2.5\rPID|1||1^^^X^MR'));
    expect(noEvn?.from).toBe('MSH-7');
    expect((t?.epochMs ?? 0) < (noEvn?.epochMs ?? 0)).toBe(true);
  });

  it('dates keep the precision sent', () => {
    expect(toDateTime('2024', 'Z')).toBe('2024');
    expect(toDateTime('202406', 'Z')).toBe('2024-06');
    expect(toDateTime('20240601', 'Z')).toBe('2024-06-01');
    expect(toDateTime('20240601123456.78-0500', 'Z')).toBe('2024-06-01T12:34:56.78-05:00');
    expect(toDateTime('20241301', 'Z')).toBeUndefined();
  });
});

describe('the meaning comparison tool', () => {
  it('finds equal bundles equal and names what differs', () => {
    const p = {
      resourceType: 'Patient',
      id: 'a',
      identifier: [{ system: 'urn:hcdl:ns:H', value: '1' }],
      name: [{ family: 'DOE', given: ['JANE'] }],
      birthDate: '1980-01-02',
    };
    const q = { ...p, id: 'b', identifier: [{ system: 'http://example.com/v2-to-fhir-converter/Identifier/H', value: '1' }] };
    expect(compareBundles([p], [q]).equal).toBe(true);
    expect(compareBundles([p], [{ ...q, birthDate: '1980-01' }]).differences).toEqual([
      'Patient[urn:hcdl:ns:H|1]: dates(birthDate)'.replace('urn:hcdl:ns:H', 'ns:H'),
    ]);
    expect(compareBundles([p, { resourceType: 'Observation', status: 'final', code: {} }], [q]).differences[0]).toBe('Observation: 1 expected, 0 made');
  });
});
