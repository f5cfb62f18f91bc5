/**
 * Patient identity through the whole application (submit, stage, outcome, reads) on the
 * in-memory ports: the south/north ADT^A40 of issue 13 is no longer an existence oracle, a
 * demographic conflict is shown only to readers of both sources, and nothing recorded for
 * a source leaks to a reader who may not read it.
 */
import { describe, expect, it } from '@jest/globals';
import type { Claims } from '@hcdl/lake';
import { testApp } from './support';

const writer = (source: string): Claims => ({ sub: `${source}-writer`, 'custom:write': source, 'custom:read': source });
const reader = (...sources: string[]): Claims => ({ sub: 'reader', 'custom:read': sources.join(',') });

let control = 0;
const msh = (event: string, structure: string) =>
  `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^${event}^${structure}|C${++control}|P|2.5\rEVN|${event}|20240102030405\r`;
const a01 = (pid3: string, demographics = 'DOE^JANE||19800101|F') => `${msh('A01', 'ADT_A01')}PID|1||${pid3}||${demographics}\rPV1|1|I\r`;
const a40 = (pid3: string, mrg1: string) => `${msh('A40', 'ADT_A39')}PID|1||${pid3}||DOE^JOHN||19700101|M\rMRG|${mrg1}\r`;

async function lake() {
  const t = testApp();
  const send = async (source: string, text: string): Promise<string> => {
    const out = await t.app.submit({ claims: writer(source), source, contentType: 'application/hl7-v2', body: Buffer.from(text, 'latin1') });
    await t.settle();
    if (out.kind !== 'accepted' || out.messages[0]?.status !== 'ingested') throw new Error(`not accepted: ${out.kind}`);
    return out.messages[0].messageId;
  };
  const get = async (path: string, claims: Claims) => {
    const url = new URL(path, 'http://x');
    const r = await t.app.read.handle({ method: 'GET', path: url.pathname, headers: {}, query: Object.fromEntries(url.searchParams.entries()), claims });
    return { status: r.status, body: JSON.parse(typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8')) };
  };
  const patientOf = async (messageId: string) => (await t.catalog.getMessage(messageId))?.patientId;
  return { t, send, get, patientOf };
}

describe('patient identity, end to end', () => {
  it('refuses south’s ADT^A40 of an MRN only north sent, with the same answer as for an MRN nobody sent', async () => {
    const { t, send, get, patientOf } = await lake();
    const north = await patientOf(await send('north', a01('N-77^^^NORTHMRN^MR')));
    const southPatient = await patientOf(await send('south', a01('S-1^^^SOUTHMRN^MR', 'DOE^JOHN||19700101|M')));
    const known = await send('south', a40('S-1^^^SOUTHMRN^MR', 'N-77^^^NORTHMRN^MR'));
    const unknown = await send('south', a40('S-1^^^SOUTHMRN^MR', 'N-78^^^NORTHMRN^MR'));

    // North's MRN still resolves to north's patient; nothing was merged.
    expect(t.catalog.merges.size).toBe(0);
    expect((await get(`/patients?identifier=${encodeURIComponent('NORTHMRN#MR#N-77')}`, reader('north'))).body.items).toEqual([
      { patientId: north, identifier: 'NORTHMRN#MR#N-77', href: `/patients/${north}` },
    ]);
    // South is told why, on its own messages only, identically for both.
    const errors = (await get('/hl7v2/errors?code=MERGE_PRIOR_NOT_RECORDED&sort=asc', reader('south'))).body.items;
    expect(errors.map((e: { messageId: string }) => e.messageId)).toEqual([known, unknown]);
    const strip = ({ messageId, at, ...rest }: Record<string, unknown>) => rest;
    expect(strip(errors[0])).toEqual(strip(errors[1]));
    expect(strip(errors[0])).toMatchObject({ stage: 'core', severity: 'warning', location: 'MRG[1]' });
    expect((await get('/hl7v2/errors?code=MERGE_PRIOR_NOT_RECORDED', reader('north'))).body.items).toEqual([]);
    // The lineage shows the warning on the staged attempt, not as a failed one.
    const lineage = (await get(`/hl7v2/messages/${known}/lineage`, reader('south'))).body;
    expect(lineage.history).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'staged', errors: [expect.objectContaining({ code: 'MERGE_PRIOR_NOT_RECORDED', severity: 'warning' })] }),
    ]);
    expect((await get(`/hl7v2/messages/${known}/lineage`, reader('north'))).status).toBe(404);
    // South's patient shows nothing of north, and south cannot find north's MRN.
    const seen = (await get(`/patients/${southPatient}`, reader('south'))).body;
    expect(seen).toMatchObject({ merges: [], links: [], conflicts: [] });
    expect(seen.identifiers.map((i: { identifier: string }) => i.identifier)).toEqual(['SOUTHMRN#MR#S-1']);
    expect((await get(`/patients?identifier=${encodeURIComponent('NORTHMRN#MR#N-77')}`, reader('south'))).body.items).toEqual([]);
    expect((await get(`/patients/${north}`, reader('south'))).status).toBe(404);
    // The log says how many merges were refused, never which identifiers.
    expect(JSON.stringify(t.logger.lines)).not.toMatch(/N-77|NORTHMRN|DOE|19800101/);
  });

  it('applies a merge of the sender’s own identifiers', async () => {
    const { send, get, patientOf } = await lake();
    const survivor = await patientOf(await send('south', a01('S-1^^^SOUTHMRN^MR', 'DOE^JOHN||19700101|M')));
    const prior = await patientOf(await send('south', a01('S-2^^^SOUTHMRN^MR', 'DOE^JOHN||19700101|M')));
    await send('south', a40('S-1^^^SOUTHMRN^MR', 'S-2^^^SOUTHMRN^MR'));
    expect((await get(`/patients/${prior}`, reader('south'))).body.mergedInto).toBe(survivor);
  });

  it('shows a demographic conflict only to readers of both sources, with each source’s demographics to its readers', async () => {
    const { send, get, patientOf } = await lake();
    const north = await patientOf(await send('north', a01('MRN-1^^^SHARED^MR', 'DOE^JANE||19800101|F')));
    const south = await patientOf(await send('south', a01('MRN-1^^^SHARED^MR', 'ROE^JOHN||19751231|M')));
    expect(south).not.toBe(north);
    const both = (await get(`/patients/${north}`, reader('north', 'south'))).body;
    expect(both.conflicts).toEqual([
      expect.objectContaining({
        patientId: north,
        conflictingPatientId: south,
        identifier: 'SHARED#MR#MRN-1',
        source: 'south',
        otherSource: 'north',
        fields: ['birthDate', 'sex'],
      }),
    ]);
    expect(both.links).toEqual([]);
    expect((await get(`/patients/${north}`, reader('north'))).body.conflicts).toEqual([]);
    const southView = (await get(`/patients/${south}`, reader('south'))).body;
    expect(southView.conflicts).toEqual([]);
    expect(southView.identifiers).toEqual([
      expect.objectContaining({
        identifier: 'SHARED#MR#MRN-1',
        source: 'south',
        facility: 'FAC',
        demographics: { familyName: 'ROE', givenName: 'JOHN', birthDate: '19751231', sex: 'M' },
      }),
    ]);
    // Each side finds its own patient for the shared MRN.
    expect((await get(`/patients?identifier=${encodeURIComponent('SHARED#MR#MRN-1')}`, reader('south'))).body.items[0].patientId).toBe(south);
    expect((await get(`/patients?identifier=${encodeURIComponent('SHARED#MR#MRN-1')}`, reader('north'))).body.items[0].patientId).toBe(north);
  });

  it('links agreeing occurrences of a qualified MRN and shows each reader only its own source’s occurrence', async () => {
    const { send, get, patientOf } = await lake();
    const north = await patientOf(await send('north', a01('MRN-1^^^SHARED^MR')));
    const south = await patientOf(await send('south', a01('MRN-1^^^SHARED^MR')));
    expect(south).toBe(north);
    const sources = async (...r: string[]) => (await get(`/patients/${north}`, reader(...r))).body.identifiers.map((i: { source: string }) => i.source).sort();
    expect(await sources('north', 'south')).toEqual(['north', 'south']);
    expect(await sources('south')).toEqual(['south']);
  });
});
