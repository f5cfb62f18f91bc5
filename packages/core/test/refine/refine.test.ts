/**
 * The refined stage on in-memory ports: staged messages become FHIR versions, each announced
 * once with a pointer to its refined object; identical content makes nothing; an older
 * message never overwrites a newer one; merges and deletions are change kinds of their own.
 */
import { describe, expect, it } from '@jest/globals';
import { refinedKey, ResourceChange, ResourceConflictError } from '@hcdl/lake';
import { MemoryResourceStore } from '@hcdl/lake/testing';
import { countElements, createRefinedStage, REFINE_MAX_ELEMENTS } from '../../src/index';
import { recordingLogger } from '../support';
import { adtAt, patientOf, refinedApp } from './support';

/** Counts the version races the store refuses (ResourceConflictError) from now on. */
function countConflicts(store: MemoryResourceStore): { count: number } {
  const counter = { count: 0 };
  const commit = store.commit.bind(store);
  store.commit = async (write) => {
    try {
      return await commit(write);
    } catch (err) {
      if (err instanceof ResourceConflictError) counter.count++;
      throw err;
    }
  };
  return counter;
}

const T1 = '20240501100000';
const T2 = '20240502100000';
const T0 = '20240430100000';

const resourceOf = async (t: ReturnType<typeof refinedApp>, type: string, id: string, version?: number) => {
  const v = version === undefined ? await t.resources.current(type, id) : await t.resources.version(type, id, version);
  return JSON.parse(v?.body as string);
};

describe('refine: one version per content change, one event per version', () => {
  it('A01: Patient and Encounter created, each announced once (pointer to the refined object, previous none)', async () => {
    const t = refinedApp();
    const messageId = await t.send(adtAt('C1', T1, { visit: 'V1' }));
    const patientId = await patientOf(t, messageId);
    const patient = await t.resources.current('Patient', patientId);
    expect(patient).toMatchObject({ versionId: 1, change: 'create', messageId, source: 'lab', key: refinedKey('Patient', patientId, 1) });
    const encounters = (await t.resources.search({ resourceType: 'Encounter', criteria: [] })).items;
    expect(encounters).toHaveLength(1);
    const byType = (type: string) => t.changes().filter((c) => c.resourceType === type);
    expect(byType('Patient')).toEqual([
      expect.objectContaining({ eventId: `Patient/${patientId}/_history/1`, change: 'create', versionId: '1', resourceKey: patient?.key, messageId }),
    ]);
    expect(byType('Patient')[0]?.previousVersionId).toBeUndefined();
    expect(byType('Encounter')).toEqual([expect.objectContaining({ change: 'create', resourceId: encounters[0]?.id })]);
    // every event is one version, none twice; and the objects are in the refined zone, tagged with the raw key
    const ids = t.changes().map((c) => c.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const row = await t.catalog.getMessage(messageId);
    const stored = JSON.parse(Buffer.from((await t.objectStore.get(patient?.key as string))?.body ?? []).toString('utf8'));
    expect(stored).toMatchObject({ resourceType: 'Patient', id: patientId, meta: { versionId: '1', source: `urn:hcdl:message:${messageId}` } });
    expect(await t.objectStore.getTags(patient?.key as string)).toEqual({ data_src: row?.rawKey });
    expect(await t.resources.pending(1000)).toEqual([]);
    // the event is a claim check: no resource content in it
    expect(JSON.stringify(t.hub.published)).not.toContain('MAIN ST');
  });

  it('the same content from another message makes no version and no event; its source is recorded', async () => {
    const t = refinedApp();
    const first = await t.send(adtAt('C1', T1, { visit: 'V1' }));
    const before = t.changes().length;
    await t.send(adtAt('C2', T1, { visit: 'V1' }), 'lab2');
    const patientId = await patientOf(t, first);
    expect(t.changes().filter((c) => c.resourceType === 'Patient' || c.resourceType === 'Encounter')).toHaveLength(2);
    expect(t.changes().length - before).toBe(2); // the second message's own MessageHeader and Provenance only
    expect((await t.resources.current('Patient', patientId))?.versionId).toBe(1);
    expect(await t.resources.sourcesOf('Patient', patientId)).toEqual(['lab', 'lab2']);
  });

  it('A08 with a new address: Patient version 2, one update event naming version 1', async () => {
    const t = refinedApp();
    const a01 = await t.send(adtAt('C1', T1, { visit: 'V1' }));
    const patientId = await patientOf(t, a01);
    const a08 = await t.send(adtAt('C2', T2, { event: 'A08', visit: 'V1', street: '9 ELM ST' }));
    const updates = t.changes().filter((c) => c.resourceType === 'Patient' && c.change === 'update');
    expect(updates).toEqual([expect.objectContaining({ eventId: `Patient/${patientId}/_history/2`, versionId: '2', previousVersionId: '1', messageId: a08 })]);
    expect((await resourceOf(t, 'Patient', patientId)).address[0].line).toEqual(['9 ELM ST']);
    expect((await resourceOf(t, 'Patient', patientId, 1)).address[0].line).toEqual(['1 MAIN ST']);
  });

  it('an older A08 arriving after a newer one changes nothing (EVN-2), a newer one again does', async () => {
    const t = refinedApp();
    const a01 = await t.send(adtAt('C1', T1));
    const patientId = await patientOf(t, a01);
    await t.send(adtAt('C2', T2, { event: 'A08', street: '9 ELM ST' }));
    const events = t.changes().length;
    await t.send(adtAt('C3', T0, { event: 'A08', street: '5 OLD RD' }));
    expect(t.changes().filter((c) => c.resourceType === 'Patient')).toHaveLength(2);
    expect(t.changes().length - events).toBe(2); // its MessageHeader and Provenance, nothing else
    expect((await resourceOf(t, 'Patient', patientId)).address[0].line).toEqual(['9 ELM ST']);
    await t.send(adtAt('C4', '20240503100000', { event: 'A08', street: '7 NEW AV' }));
    expect((await t.resources.current('Patient', patientId))?.versionId).toBe(3);
  });

  it('A40: merge events; the old Patient keeps its data, is inactive and replaced-by the survivor, which replaces it', async () => {
    const t = refinedApp();
    const old = await patientOf(t, await t.send(adtAt('C1', T1, { mrn: 'OLD-1' })));
    const a40 = await t.send(adtAt('C2', T2, { event: 'A40', mrn: 'NEW-1', mrg: 'OLD-1' }));
    const survivor = await patientOf(t, a40);
    expect(survivor).not.toBe(old);
    const merges = t.changes().filter((c) => c.change === 'merge');
    expect(merges.map((c) => `${c.resourceId}:${c.versionId}`).sort()).toEqual([`${old}:2`, `${survivor}:1`].sort());
    const retired = await resourceOf(t, 'Patient', old);
    expect(retired).toMatchObject({
      active: false,
      name: [expect.objectContaining({ family: 'DOE' })],
      link: [{ type: 'replaced-by', other: { reference: `Patient/${survivor}` } }],
    });
    expect((await resourceOf(t, 'Patient', survivor)).link).toEqual([{ type: 'replaces', other: { reference: `Patient/${old}` } }]);
    // a later A08 of the survivor without MRG keeps the link
    await t.send(adtAt('C3', '20240503100000', { event: 'A08', mrn: 'NEW-1', street: '9 ELM ST' }));
    expect((await resourceOf(t, 'Patient', survivor)).link).toEqual([{ type: 'replaces', other: { reference: `Patient/${old}` } }]);
  });

  it('A29: the Patient is deleted (a tombstone version and object, a delete event)', async () => {
    const t = refinedApp();
    const patientId = await patientOf(t, await t.send(adtAt('C1', T1)));
    await t.send(adtAt('C2', T2, { event: 'A29' }));
    const gone = await t.resources.current('Patient', patientId);
    expect(gone).toMatchObject({ versionId: 2, change: ResourceChange.Delete, previousVersionId: 1 });
    expect(t.changes().filter((c) => c.change === 'delete')).toEqual([expect.objectContaining({ resourceId: patientId, versionId: '2' })]);
    const tombstone = JSON.parse(Buffer.from((await t.objectStore.get(gone?.key as string))?.body ?? []).toString('utf8'));
    expect(tombstone).toEqual({
      resourceType: 'Patient',
      id: patientId,
      meta: {
        versionId: '2',
        lastUpdated: gone?.lastUpdated,
        source: `urn:hcdl:message:${gone?.messageId}`,
        tag: [{ system: 'urn:hcdl:fhir:version', code: 'deleted' }],
      },
    });
  });

  it('A29 before the older A01 that made the Patient (staging reordered them): the Patient stays deleted', async () => {
    const t = refinedApp();
    const a29 = await t.send(adtAt('C2', T2, { event: 'A29' }));
    const patientId = await patientOf(t, a29);
    expect(await t.resources.current('Patient', patientId)).toMatchObject({ versionId: 1, change: ResourceChange.Delete });
    await t.send(adtAt('C1', T1));
    expect(await t.resources.current('Patient', patientId)).toMatchObject({ versionId: 1, change: ResourceChange.Delete, messageId: a29 });
    expect(t.changes().filter((c) => c.resourceType === 'Patient')).toEqual([expect.objectContaining({ change: 'delete', versionId: '1' })]);
    // a second deletion of what is deleted makes nothing
    await t.send(adtAt('C3', T2, { event: 'A29' }));
    expect(t.changes().filter((c) => c.resourceType === 'Patient')).toHaveLength(1);
  });

  it('two messages of one patient refined at once in one process take turns: contiguous versions, no race lost', async () => {
    const t = refinedApp({}, false);
    const a01 = await t.send(adtAt('C1', T1));
    await t.refined.refine({ messageId: a01 });
    const patientId = await patientOf(t, a01);
    const conflicts = countConflicts(t.resources);
    const ids = [await t.send(adtAt('C2', T2, { event: 'A08', street: '2 A ST' })), await t.send(adtAt('C3', T2, { event: 'A08', street: '3 B ST' }))];
    const results = await Promise.all(ids.map((messageId) => t.refined.refine({ messageId })));
    expect(results.map((r) => r.versions.filter((v) => v.resourceType === 'Patient').length)).toEqual([1, 1]);
    expect((await t.resources.history('Patient', patientId)).items.map((v) => v.versionId)).toEqual([3, 2, 1]);
    expect(
      t
        .changes()
        .filter((c) => c.resourceType === 'Patient')
        .map((c) => c.versionId),
    ).toEqual(['1', '2', '3']);
    expect(conflicts.count).toBe(0);
  });

  it('two processes refining one patient at once make contiguous versions: the loser of the race reads again', async () => {
    const t = refinedApp({}, false);
    const a01 = await t.send(adtAt('C1', T1));
    await t.refined.refine({ messageId: a01 });
    const patientId = await patientOf(t, a01);
    // A second process: its own refine (own lanes) over the same stores.
    const other = createRefinedStage({
      objectStore: t.objectStore,
      catalog: t.catalog,
      resources: t.resources,
      hub: t.hub,
      logger: recordingLogger(),
      now: () => new Date().toISOString(),
    });
    const conflicts = countConflicts(t.resources);
    const ids = [await t.send(adtAt('C2', T2, { event: 'A08', street: '2 A ST' })), await t.send(adtAt('C3', T2, { event: 'A08', street: '3 B ST' }))];
    const results = await Promise.all([t.refined.refine({ messageId: ids[0] as string }), other.refine({ messageId: ids[1] as string })]);
    expect(results.map((r) => r.versions.filter((v) => v.resourceType === 'Patient').length)).toEqual([1, 1]);
    expect((await t.resources.history('Patient', patientId)).items.map((v) => v.versionId)).toEqual([3, 2, 1]);
    expect(conflicts.count).toBeGreaterThan(0);
  });
});

describe('refine: the outbox', () => {
  it('a process stopped between commit and publish loses nothing: the next drain writes, announces and marks each version once', async () => {
    let stop = true;
    const t = refinedApp({
      failpoint: async (name) => {
        if (stop && name === 'refine.committed') throw new Error('stopped at refine.committed');
      },
    });
    const out = await t.app.submit({
      claims: { 'custom:write': 'lab' },
      source: 'lab',
      contentType: 'application/hl7-v2',
      body: Buffer.from(adtAt('C1', T1, { visit: 'V1' })),
    });
    await expect(t.hub.deliver()).rejects.toThrow('refine.committed');
    const pending = await t.resources.pending(1000);
    expect(pending.length).toBeGreaterThanOrEqual(4);
    expect(t.changes()).toEqual([]);
    for (const v of pending) expect(await t.objectStore.head(v.key)).toBeUndefined();
    stop = false;
    expect(await t.refined.relay.drain()).toBe(pending.length);
    expect(t.changes().map((c) => c.eventId)).toEqual(pending.map((v) => `${v.resourceType}/${v.id}/_history/${v.versionId}`));
    for (const v of pending) expect(await t.objectStore.head(v.key)).toBeDefined();
    expect(await t.refined.relay.drain()).toBe(0);
    // refining the message again (a redelivery) finds everything stored: nothing new
    const messageId = out.kind === 'accepted' ? (out.messages[0]?.messageId as string) : '';
    const again = await t.refined.refine({ messageId });
    expect(again.versions).toEqual([]);
    expect(again.unchanged).toBe(pending.length);
    expect(t.changes()).toHaveLength(pending.length);
  });
});

describe('refine: the refined stage size bound', () => {
  it('counts the elements of ER7 bytes with the separators MSH-1 and MSH-2 name, stopping past the limit', () => {
    // MSH: its fields' '|', MSH-2's '^', '~', '&' and the segment end; PID: three '|', '^', '~', '&', the end.
    expect(countElements('MSH|^~\\&|A\rPID|1||X^Y~Z&W\r')).toBe(13);
    // Other separators: '#' fields, '$' components; the usual ones are then text.
    expect(countElements('MSH#$~\\&#A\rPID#1##X$Y|^\r')).toBe(11);
    expect(countElements(`MSH|^~\\&|${'^'.repeat(50)}`, 10)).toBe(11);
  });

  it('a staged message over REFINE_MAX_ELEMENTS is not converted: no version, no event, one WARN line with counts only', async () => {
    const t = refinedApp();
    const before = t.changes().length;
    const huge = `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ORU^R01^ORU_R01|HUGE1|P|2.5\rPID|1||MRN-9^^^HOSP^MR||DOE^JANE\rOBR|1||ORD1|CBC^Blood count^L\rOBX|1|TX|NOTE^Note^L||${'^'.repeat(REFINE_MAX_ELEMENTS)}||||||F\r`;
    const messageId = await t.send(huge);
    expect((await t.catalog.getMessage(messageId))?.status).toBe('staged');
    expect(t.changes().length).toBe(before);
    expect(await refinedResult(t, messageId)).toMatchObject({ messageId, versions: [], skipped: 'too-many-elements' });
    const warned = t.logger.lines.filter((l) => l.message === 'message not refined: too many elements');
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned[0]?.level).toBe('warn');
    expect(JSON.stringify(warned)).not.toContain('DOE');
    expect(JSON.stringify(warned)).not.toContain('MRN-9');
    // A message under the bound is refined as usual.
    await t.send(adtAt('C9', T1, { visit: 'V9' }));
    expect(t.changes().length).toBeGreaterThan(before);
  });
});

const refinedResult = (t: ReturnType<typeof refinedApp>, messageId: string) => t.refined.refine({ messageId });
