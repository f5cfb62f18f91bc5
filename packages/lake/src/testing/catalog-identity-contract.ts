import { describe, expect, it } from '@jest/globals';
import type { Catalog } from '../ports/catalog';
import type { PatientConflictRecord, PatientOccurrenceRecord } from '../patient-index/records';
import { messageRecord, T0 } from './catalog-fixtures';
import { settleAll, uniqueTag } from './support';

const iso = (ms: number): string => new Date(ms).toISOString();

function occurrence(identifier: string, source: string, patientId: string, ms: number, birthDate = '19800315'): PatientOccurrenceRecord {
  return {
    identifier,
    source,
    patientId,
    facility: 'FAC',
    firstSeenMessageId: messageRecord(source, ms).messageId,
    firstSeenAt: iso(ms),
    demographics: { familyName: 'DOE', givenName: 'JANE', birthDate, sex: 'F' },
  };
}

function conflict(patientId: string, conflictingPatientId: string, identifier: string, source: string, ms: number): PatientConflictRecord {
  return {
    patientId,
    conflictingPatientId,
    identifier,
    source,
    otherSource: uniqueTag('src-'),
    fields: ['birthDate', 'sex'],
    messageId: messageRecord(source, ms).messageId,
    at: iso(ms),
  };
}

/** Identifier occurrences (per identifier and source, with demographics) and demographic conflicts. */
export function describeCatalogIdentity(catalog: () => Catalog): void {
  describe('patient identifier occurrences', () => {
    it('keeps one occurrence per (identifier, source), the first one, record intact', async () => {
      const [p, q, s1, s2, tag] = [uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag('src-'), uniqueTag('src-'), uniqueTag()];
      const key = `HOSP#MR#${tag}`;
      const first = occurrence(key, s1, p, T0);
      await catalog().putPatientOccurrences([first, occurrence(key, s1, q, T0 + 1, '19990101')]);
      await catalog().putPatientOccurrences([occurrence(key, s1, q, T0 + 2, '19990101')]);
      const other = occurrence(key, s2, q, T0 + 3);
      await catalog().putPatientOccurrences([other]);
      expect(await catalog().getPatientOccurrence(key, s1)).toEqual(first);
      expect(await catalog().getPatientOccurrence(key, s2)).toEqual(other);
      expect(await catalog().getPatientOccurrence(key, uniqueTag('src-'))).toBeUndefined();
      expect(await catalog().getPatientOccurrence(`${key}0`, s1)).toBeUndefined();
      expect(await catalog().listPatientOccurrences(p)).toEqual([first]);
      expect(await catalog().listPatientOccurrences(q)).toEqual([other]);
      expect(await catalog().listPatientOccurrences(uniqueTag('pat-'))).toEqual([]);
    });

    it('lists the occurrences of a patient by identifier then source, scoped keys included', async () => {
      const [p, tag] = [uniqueTag('pat-'), uniqueTag()];
      const [sa, sb] = [`a-${uniqueTag()}`, `b-${uniqueTag()}`];
      const rows = [
        occurrence(`HOSP#MR#${tag}-2`, sb, p, T0),
        occurrence(`#MR#${tag}-1#${sa}#FAC`, sa, p, T0 + 1),
        occurrence(`HOSP#MR#${tag}-2`, sa, p, T0 + 2),
        occurrence(`HOSP#MR#${tag}-1`, sb, p, T0 + 3),
      ];
      await catalog().putPatientOccurrences(rows);
      const listed = await catalog().listPatientOccurrences(p);
      expect(listed.map((o) => [o.identifier, o.source])).toEqual([
        [`#MR#${tag}-1#${sa}#FAC`, sa],
        [`HOSP#MR#${tag}-1`, sb],
        [`HOSP#MR#${tag}-2`, sa],
        [`HOSP#MR#${tag}-2`, sb],
      ]);
    });

    it('lets exactly one of concurrent puts of one occurrence win', async () => {
      const [source, tag] = [uniqueTag('src-'), uniqueTag()];
      const key = `HOSP#MR#${tag}`;
      const patients = Array.from({ length: 4 }, () => uniqueTag('pat-'));
      const { rejected } = await settleAll(patients.map((p, i) => catalog().putPatientOccurrences([occurrence(key, source, p, T0 + i)])));
      expect(rejected).toEqual([]);
      const winner = (await catalog().getPatientOccurrence(key, source))?.patientId;
      expect(patients).toContain(winner);
      const listed = await Promise.all(patients.map((p) => catalog().listPatientOccurrences(p)));
      expect(listed.flat().map((o) => o.patientId)).toEqual([winner]);
    });
  });

  describe('patient demographic conflicts', () => {
    it('lists a conflict from both of its patients, record intact, once per (identifier, source)', async () => {
      const [p, q, r, source, tag] = [uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag('pat-'), uniqueTag('src-'), uniqueTag()];
      const c = conflict(p, q, `HOSP#MR#${tag}`, source, T0);
      await catalog().putPatientConflict(c);
      await catalog().putPatientConflict({ ...c, conflictingPatientId: r, at: iso(T0 + 5) });
      expect(await catalog().listPatientConflicts(p)).toEqual([c]);
      expect(await catalog().listPatientConflicts(q)).toEqual([c]);
      expect(await catalog().listPatientConflicts(r)).toEqual([]);
    });

    it('lists every conflict of a patient, oldest first, whatever the put order', async () => {
      const [p, tag] = [uniqueTag('pat-'), uniqueTag()];
      const later = conflict(p, uniqueTag('pat-'), `HOSP#MR#${tag}-1`, uniqueTag('src-'), T0 + 10);
      const earlier = conflict(uniqueTag('pat-'), p, `HOSP#MR#${tag}-2`, uniqueTag('src-'), T0);
      await catalog().putPatientConflict(later);
      await catalog().putPatientConflict(earlier);
      expect(await catalog().listPatientConflicts(p)).toEqual([earlier, later]);
    });
  });
}
