import { describe, expect, it } from '@jest/globals';
import type { Catalog } from '../ports/catalog';
import type { PatientLinkRecord, PatientMergeRecord } from '../patient-index/records';
import type { PatientIdentifierRecord } from '../records';
import { messageRecord, T0 } from './catalog-fixtures';
import { settleAll, uniqueTag } from './support';

const iso = (ms: number): string => new Date(ms).toISOString();
const byIdentifier = (rows: PatientIdentifierRecord[]): PatientIdentifierRecord[] =>
  [...rows].sort((x, y) => (x.identifier < y.identifier ? -1 : x.identifier > y.identifier ? 1 : 0));

function identifierRow(identifier: string, patientId: string, ms: number, source = uniqueTag('src-')): PatientIdentifierRecord {
  return { identifier, patientId, source, firstSeenMessageId: messageRecord(source, ms).messageId, firstSeenAt: iso(ms) };
}

function link(patientId: string, linkedPatientId: string, ms: number): PatientLinkRecord {
  const source = uniqueTag('src-');
  return { patientId, linkedPatientId, messageId: messageRecord(source, ms).messageId, source, at: iso(ms) };
}

function merge(mergedPatientId: string, survivorPatientId: string, ms: number, priorIdentifiers: string[] = []): PatientMergeRecord {
  const source = uniqueTag('src-');
  return { mergedPatientId, survivorPatientId, messageId: messageRecord(source, ms).messageId, messageType: 'ADT^A40', source, priorIdentifiers, at: iso(ms) };
}

/** Patient identifiers (batches), links between patients and merges. */
export function describeCatalogPatients(catalog: () => Catalog): void {
  describe('patient identifiers (batches)', () => {
    it('stores a batch larger than one write round (30 rows), each findable both ways', async () => {
      const [p, tag] = [uniqueTag('pat-'), uniqueTag()];
      const rows = Array.from({ length: 30 }, (_, i) => identifierRow(`HOSP#MR#${tag}-${String(i).padStart(2, '0')}`, p, T0 + i));
      await catalog().putPatientIdentifiers(rows);
      expect(await catalog().listIdentifiersOfPatient(p)).toEqual(byIdentifier(rows));
      for (const r of [rows[0], rows[29]] as PatientIdentifierRecord[]) expect(await catalog().getPatientIdByIdentifier(r.identifier)).toBe(p);
    });

    it('keeps the first row when one batch names an identifier twice', async () => {
      const [p, q, tag] = [uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag()];
      const first = identifierRow(`HOSP#MR#${tag}`, p, T0);
      await catalog().putPatientIdentifiers([first, identifierRow(first.identifier, q, T0 + 1)]);
      expect(await catalog().getPatientIdByIdentifier(first.identifier)).toBe(p);
      expect(await catalog().listIdentifiersOfPatient(p)).toEqual([first]);
      expect(await catalog().listIdentifiersOfPatient(q)).toEqual([]);
    });

    it('keeps the identifiers of two patients apart, and exact (no prefix match)', async () => {
      const [p, q, tag] = [uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag()];
      const rp = identifierRow(`HOSP#MR#${tag}-1`, p, T0);
      const rq = identifierRow(`HOSP#MR#${tag}-10`, q, T0);
      await catalog().putPatientIdentifiers([rq, rp]);
      expect(await catalog().listIdentifiersOfPatient(p)).toEqual([rp]);
      expect(await catalog().listIdentifiersOfPatient(q)).toEqual([rq]);
      expect(await catalog().getPatientIdByIdentifier(`HOSP#MR#${tag}`)).toBeUndefined();
      expect(await catalog().getPatientIdByIdentifier(`hosp#mr#${tag}-1`)).toBeUndefined();
    });

    it('lets exactly one of concurrent claims of a new identifier win, everywhere', async () => {
      const tag = uniqueTag();
      const patients = Array.from({ length: 5 }, () => uniqueTag('pat-'));
      const identifier = `HOSP#MR#${tag}`;
      const { rejected } = await settleAll(patients.map((p, i) => catalog().putPatientIdentifiers([identifierRow(identifier, p, T0 + i)])));
      expect(rejected).toEqual([]);
      const owner = await catalog().getPatientIdByIdentifier(identifier);
      expect(patients).toContain(owner);
      const owners = await Promise.all(patients.map(async (p) => (await catalog().listIdentifiersOfPatient(p)).length));
      expect(owners.reduce((a, b) => a + b, 0)).toBe(1);
      expect((await catalog().listIdentifiersOfPatient(owner as string)).map((r) => r.identifier)).toEqual([identifier]);
    });
  });

  describe('patient links', () => {
    it('lists a link from both of its patients, record intact', async () => {
      const [a, b] = [uniqueTag('pat-'), uniqueTag('pat-')];
      const l = link(a, b, T0);
      await catalog().putPatientLink(l);
      expect(await catalog().listPatientLinks(a)).toEqual([l]);
      expect(await catalog().listPatientLinks(b)).toEqual([l]);
    });

    it('answers [] for a patient without links', async () => {
      expect(await catalog().listPatientLinks(uniqueTag('pat-'))).toEqual([]);
    });

    it('keeps the first link of a pair, whether put again in the same or the other direction', async () => {
      const [a, b] = [uniqueTag('pat-'), uniqueTag('pat-')];
      const first = link(a, b, T0 + 5000);
      await catalog().putPatientLink(first);
      await expect(catalog().putPatientLink(link(a, b, T0 + 6000))).resolves.toBeUndefined();
      await expect(catalog().putPatientLink(link(b, a, T0 + 1000))).resolves.toBeUndefined();
      await catalog().putPatientLink(first);
      expect(await catalog().listPatientLinks(a)).toEqual([first]);
      expect(await catalog().listPatientLinks(b)).toEqual([first]);
    });

    it('keeps one link when both directions of a pair are put at once', async () => {
      const [a, b] = [uniqueTag('pat-'), uniqueTag('pat-')];
      const candidates = [link(a, b, T0), link(b, a, T0 + 1), link(a, b, T0 + 2), link(b, a, T0 + 3)];
      const { rejected } = await settleAll(candidates.map((l) => catalog().putPatientLink(l)));
      expect(rejected).toEqual([]);
      const fromA = await catalog().listPatientLinks(a);
      expect(fromA).toHaveLength(1);
      expect(candidates).toContainEqual(fromA[0]);
      expect(await catalog().listPatientLinks(b)).toEqual(fromA);
    });

    it('lists every link of a patient in either role, oldest first, whatever the put order', async () => {
      const [p, x, y, z, other] = Array.from({ length: 5 }, () => uniqueTag('pat-'));
      const [l1, l2, l3] = [link(x as string, p as string, T0 + 1000), link(p as string, y as string, T0 + 2000), link(z as string, p as string, T0 + 3000)];
      const unrelated = link(x as string, other as string, T0 + 1500);
      for (const l of [l3, unrelated, l1, l2]) await catalog().putPatientLink(l);
      expect(await catalog().listPatientLinks(p as string)).toEqual([l1, l2, l3]);
      expect(await catalog().listPatientLinks(x as string)).toEqual([l1, unrelated]);
      expect(await catalog().listPatientLinks(other as string)).toEqual([unrelated]);
    });
  });

  describe('patient merges', () => {
    it('gets a merge by the merged patient, record intact (prior identifiers in order)', async () => {
      const [m, s, tag] = [uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag()];
      const r = merge(m, s, T0, [`HOSP#MR#${tag}-9`, `HOSP#MR#${tag}-1`]);
      await catalog().putPatientMerge(r);
      expect(await catalog().getPatientMerge(m)).toEqual(r);
    });

    it('keeps an empty list of prior identifiers', async () => {
      const r = merge(uniqueTag('pat-'), uniqueTag('pat-'), T0, []);
      await catalog().putPatientMerge(r);
      expect((await catalog().getPatientMerge(r.mergedPatientId))?.priorIdentifiers).toEqual([]);
    });

    it('answers undefined for the survivor and for an unknown patient, [] for their merges when none', async () => {
      const r = merge(uniqueTag('pat-'), uniqueTag('pat-'), T0);
      await catalog().putPatientMerge(r);
      expect(await catalog().getPatientMerge(r.survivorPatientId)).toBeUndefined();
      const nobody = uniqueTag('pat-');
      expect(await catalog().getPatientMerge(nobody)).toBeUndefined();
      expect(await catalog().listPatientMerges(nobody)).toEqual([]);
    });

    it('merges a patient once: a later merge of the same patient is ignored without error', async () => {
      const [m, s1, s2] = [uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag('pat-')];
      const first = merge(m, s1, T0 + 5000);
      await catalog().putPatientMerge(first);
      await expect(catalog().putPatientMerge(merge(m, s2, T0 + 1000))).resolves.toBeUndefined();
      await catalog().putPatientMerge(first);
      expect(await catalog().getPatientMerge(m)).toEqual(first);
      expect(await catalog().listPatientMerges(s2)).toEqual([]);
      expect(await catalog().listPatientMerges(m)).toEqual([first]);
    });

    it('keeps exactly one of concurrent merges of one patient', async () => {
      const m = uniqueTag('pat-');
      const candidates = Array.from({ length: 4 }, (_, i) => merge(m, uniqueTag('pat-'), T0 + i));
      const { rejected } = await settleAll(candidates.map((r) => catalog().putPatientMerge(r)));
      expect(rejected).toEqual([]);
      const kept = await catalog().getPatientMerge(m);
      expect(candidates).toContainEqual(kept);
      const listed = await Promise.all(candidates.map((r) => catalog().listPatientMerges(r.survivorPatientId)));
      expect(listed.flat()).toEqual([kept]);
    });

    it('lists the merges of a patient as merged or survivor, oldest first (a chain a -> b -> c)', async () => {
      const [a, b, c, d] = Array.from({ length: 4 }, () => uniqueTag('pat-')) as [string, string, string, string];
      const [ab, db, bc] = [merge(a, b, T0 + 1000), merge(d, b, T0 + 2000), merge(b, c, T0 + 3000)];
      for (const r of [bc, ab, db]) await catalog().putPatientMerge(r);
      expect(await catalog().listPatientMerges(b)).toEqual([ab, db, bc]);
      expect(await catalog().listPatientMerges(a)).toEqual([ab]);
      expect(await catalog().listPatientMerges(c)).toEqual([bc]);
      expect(await catalog().getPatientMerge(b)).toEqual(bc);
    });
  });
}
