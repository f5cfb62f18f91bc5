import { describe, expect, it } from '@jest/globals';
import type { Catalog, ErrorQuery } from '../ports/catalog';
import type { ErrorRecord, PatientIdentifierRecord } from '../records';
import { allPages, errorRecord, messageRecord, T0 } from './catalog-fixtures';
import { uniqueTag } from './support';

const iso = (ms: number): string => new Date(ms).toISOString();
/** Order-free comparison key of an error record. */
const errorKeyOf = (e: ErrorRecord): string => `${e.messageId}|${e.attempt}|${e.code}|${e.at}|${e.location ?? ''}`;
const keysOf = (items: ErrorRecord[]): string[] => items.map(errorKeyOf).sort();

/** Error rows (diagnostics per attempt) and the patient identifier cross-reference. */
export function describeCatalogErrorsAndPatients(catalog: () => Catalog): void {
  describe('putErrors and listErrors', () => {
    /** Message m1 (source A, two attempts), m2 (source A), m3 (source B). */
    async function seed() {
      const [sa, sb] = [uniqueTag('srcA-'), uniqueTag('srcB-')];
      const [m1, m2, m3] = [messageRecord(sa, T0), messageRecord(sa, T0 + 1000), messageRecord(sb, T0 + 2000)];
      for (const m of [m1, m2, m3]) await catalog().putMessage({ ...m, status: 'error' });
      const e1 = [
        errorRecord(m1.messageId, 1, 'NO_MSH', iso(T0 + 10), { location: 'MSH', line: 1, column: 1 }),
        errorRecord(m1.messageId, 1, 'BAD_SEGMENT', iso(T0 + 10), { severity: 'warning', location: 'PID[1]-3[2].1.1', line: 2 }),
      ];
      const e1b = [errorRecord(m1.messageId, 2, 'NO_MSH', iso(T0 + 5000), { stage: 'normalize' })];
      const e2 = [errorRecord(m2.messageId, 1, 'TRUNCATED', iso(T0 + 1010))];
      const e3 = [errorRecord(m3.messageId, 1, 'NO_MSH', iso(T0 + 2010)), errorRecord(m3.messageId, 1, 'BAD_DELIMITERS', iso(T0 + 2010))];
      await catalog().putErrors(e1);
      await catalog().putErrors([...e2, ...e3]);
      await catalog().putErrors(e1b);
      return { sa, sb, m1, m2, m3, e1, e1b, e2, e3 };
    }
    const list = async (q: ErrorQuery) => (await allPages((cursor) => catalog().listErrors(cursor === undefined ? q : { ...q, cursor }), q.limit)).items;

    it('lists the errors of one message in the order they were put, fields intact', async () => {
      const { m1, e1, e1b } = await seed();
      expect(await list({ messageId: m1.messageId })).toEqual([...e1, ...e1b]);
    });

    it('filters by code', async () => {
      const { m1, e1, e1b, e2, sa, sb } = await seed();
      expect(keysOf(await list({ messageId: m1.messageId, code: 'NO_MSH' }))).toEqual(keysOf([e1[0] as ErrorRecord, ...e1b]));
      expect(keysOf(await list({ source: sa, code: 'TRUNCATED' }))).toEqual(keysOf(e2));
      expect(await list({ source: sb, code: 'TRUNCATED' })).toEqual([]);
    });

    it('filters by the source of the message (string and array)', async () => {
      const { sa, sb, e1, e1b, e2, e3 } = await seed();
      expect(keysOf(await list({ source: sa }))).toEqual(keysOf([...e1, ...e1b, ...e2]));
      expect(keysOf(await list({ source: sb }))).toEqual(keysOf(e3));
      expect(keysOf(await list({ source: [sa, sb] }))).toEqual(keysOf([...e1, ...e1b, ...e2, ...e3]));
      expect(await list({ source: uniqueTag('none-') })).toEqual([]);
    });

    it('filters by since (inclusive, on the error time)', async () => {
      const { sa, sb, e1b, e2, e3 } = await seed();
      expect(keysOf(await list({ source: [sa, sb], since: iso(T0 + 1010) }))).toEqual(keysOf([...e1b, ...e2, ...e3]));
      expect(keysOf(await list({ source: [sa, sb], since: iso(T0 + 1011) }))).toEqual(keysOf([...e1b, ...e3]));
    });

    it.each([1, 2, 3])('pages with limit %i until exhausted: no gaps, no duplicates', async (limit) => {
      const { sa, sb, e1, e1b, e2, e3 } = await seed();
      const items = await list({ source: [sa, sb], limit });
      expect(items).toHaveLength(6);
      expect(keysOf(items)).toEqual(keysOf([...e1, ...e1b, ...e2, ...e3]));
      expect(await list({ messageId: (e1[0] as ErrorRecord).messageId, limit })).toEqual([...e1, ...e1b]);
    });

    it.each([1, 2, 3, 10])('lists the latest first with order desc, paging with limit %i: the ascending list reversed', async (limit) => {
      const { sa, sb, m1 } = await seed();
      for (const q of [
        { source: [sa, sb] },
        { source: sa, code: 'NO_MSH' },
        { messageId: m1.messageId },
        { source: [sa, sb], since: iso(T0 + 1010) },
      ] as ErrorQuery[]) {
        const asc = await list({ ...q, limit: 50 });
        expect(asc.length).toBeGreaterThan(0);
        expect((await list({ ...q, order: 'desc', limit })).map(errorKeyOf)).toEqual(asc.map(errorKeyOf).reverse());
      }
    });

    it('accepts an empty batch', async () => {
      const m = messageRecord(uniqueTag('src-'), T0);
      await catalog().putMessage(m);
      await catalog().putErrors([]);
      expect(await list({ messageId: m.messageId })).toEqual([]);
    });
  });

  describe('patient identifiers', () => {
    const row = (identifier: string, patientId: string, source: string, ms: number): PatientIdentifierRecord => ({
      identifier,
      patientId,
      source,
      firstSeenMessageId: messageRecord(source, ms).messageId,
      firstSeenAt: iso(ms),
    });

    it('maps identifiers to the patient and the patient to its identifiers', async () => {
      const [p, src, tag] = [uniqueTag('pat-'), uniqueTag('src-'), uniqueTag()];
      const rows = [row(`HOSP&1.2.3&ISO#MR#${tag}-001`, p, src, T0), row(`SSA#SS#${tag}-123-45-6789`, p, src, T0), row(`LAB#PI#${tag}-9`, p, src, T0 + 1)];
      await catalog().putPatientIdentifiers(rows);
      for (const r of rows) expect(await catalog().getPatientIdByIdentifier(r.identifier)).toBe(p);
      const listed = await catalog().listIdentifiersOfPatient(p);
      expect(listed).toEqual([...rows].sort((x, y) => (x.identifier < y.identifier ? -1 : 1)));
    });

    it('answers undefined and [] for unknown identifiers and patients', async () => {
      expect(await catalog().getPatientIdByIdentifier(`X#MR#${uniqueTag()}`)).toBeUndefined();
      expect(await catalog().listIdentifiersOfPatient(uniqueTag('pat-'))).toEqual([]);
    });

    it('leaves existing identifiers as they are and inserts only the new ones', async () => {
      const [p, q, src, tag] = [uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag('src-'), uniqueTag()];
      const first = row(`HOSP#MR#${tag}-1`, p, src, T0);
      await catalog().putPatientIdentifiers([first]);
      const claim = row(first.identifier, q, uniqueTag('src-'), T0 + 60_000);
      const fresh = row(`HOSP#MR#${tag}-2`, q, src, T0 + 60_000);
      await catalog().putPatientIdentifiers([claim, fresh]);
      expect(await catalog().getPatientIdByIdentifier(first.identifier)).toBe(p);
      expect(await catalog().listIdentifiersOfPatient(p)).toEqual([first]);
      expect(await catalog().listIdentifiersOfPatient(q)).toEqual([fresh]);
      await catalog().putPatientIdentifiers([first]);
      expect(await catalog().listIdentifiersOfPatient(p)).toEqual([first]);
    });

    it('accepts an empty batch', async () => {
      await expect(catalog().putPatientIdentifiers([])).resolves.toBeUndefined();
    });
  });
}
