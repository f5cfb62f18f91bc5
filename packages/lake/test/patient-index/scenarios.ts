/**
 * Patient index scenarios over a catalog: run on the in-memory stand-in here and on the
 * SQLite catalog in packages/local/test/patient-index.test.ts (same file, imported by path).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseMessage } from '@hcdl/hl7v2';
import { createPatientIndex } from '../../src/patient-index/index-message';
import { isPatientId, resolveIdentifier, survivorOf } from '../../src/patient-index/resolve';
import type { PatientCatalog } from './memory-catalog';

let seq = 0;
/** A message of `type` with the given segments after MSH (version 2.5 unless told). */
export function hl7(type: string, segments: string[], version = '2.5'): ReturnType<typeof parseMessage> {
  seq++;
  return parseMessage([`MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||${type}|C${seq}|P|${version}`, ...segments].join('\r'));
}

export function patientIndexScenarios(name: string, open: () => Promise<{ catalog: PatientCatalog; close(): Promise<void> }>): void {
  describe(`patient index (${name})`, () => {
    let catalog: PatientCatalog;
    let close: () => Promise<void>;
    let index: ReturnType<typeof createPatientIndex>;
    let n = 0;
    const input = (source = 'north') => {
      n++;
      return { messageId: `MSG${String(n).padStart(4, '0')}`, source, at: new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString() };
    };

    beforeEach(async () => {
      ({ catalog, close } = await open());
      index = createPatientIndex(catalog);
      n = 0;
    });
    afterEach(async () => close());

    it('maps every identifier of one message to one new patient', async () => {
      const out = await index.indexMessage(hl7('ADT^A01', ['PID|1|EXT-1^^^REG^PI|MRN-1^^^NORTH^MR~SSN-1^^^SSA^SS|ALT-1^^^OLD^PT']), input());
      expect(isPatientId(out.patientId!)).toBe(true);
      expect(out).toMatchObject({ patients: [out.patientId], links: [], merges: [] });
      const rows = await catalog.listIdentifiersOfPatient(out.patientId!);
      expect(rows.map((r) => r.identifier)).toEqual(['NORTH#MR#MRN-1', 'OLD#PT#ALT-1', 'REG#PI#EXT-1', 'SSA#SS#SSN-1']);
      expect(rows[0]).toMatchObject({ patientId: out.patientId, source: 'north', firstSeenMessageId: 'MSG0001', firstSeenAt: '2024-01-01T00:00:01.000Z' });
      for (const r of rows) expect(await catalog.getPatientIdByIdentifier(r.identifier)).toBe(out.patientId);
    });

    it('gives a message without identifiers no patient', async () => {
      expect(await index.indexMessage(hl7('ADT^A01', ['PID|1||""']), input())).toEqual({ patients: [], links: [], merges: [] });
      expect(await index.indexMessage(hl7('ORU^R01', ['OBR|1']), input())).toEqual({ patients: [], links: [], merges: [] });
    });

    it('maps an identifier seen again to the same patient, adding the new identifiers to it', async () => {
      const first = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-1^^^NORTH^MR']), input());
      const again = await index.indexMessage(hl7('ADT^A08', ['PID|1||MRN-1^^^NORTH^MR~SSN-1^^^SSA^SS']), input('south'));
      expect(again.patientId).toBe(first.patientId);
      expect(again.links).toEqual([]);
      expect(await resolveIdentifier(catalog, 'SSA#SS#SSN-1')).toBe(first.patientId);
      const ssn = (await catalog.listIdentifiersOfPatient(first.patientId!)).find((r) => r.identifier === 'SSA#SS#SSN-1');
      expect(ssn).toMatchObject({ source: 'south', firstSeenMessageId: 'MSG0002' });
      // A v2.3 message naming it in PID-2 finds the same patient.
      expect((await index.indexMessage(hl7('ADT^A04', ['PID|1|MRN-1^^^NORTH^MR|'], '2.3'), input())).patientId).toBe(first.patientId);
    });

    it('links two known patients a message bridges, without merging them', async () => {
      const a = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-A^^^NORTH^MR']), input());
      const b = await index.indexMessage(hl7('ADT^A01', ['PID|1||SSN-B^^^SSA^SS']), input());
      expect(b.patientId).not.toBe(a.patientId);
      const bridge = await index.indexMessage(hl7('ADT^A08', ['PID|1||MRN-A^^^NORTH^MR~SSN-B^^^SSA^SS']), input('south'));
      expect(bridge.patientId).toBe(a.patientId);
      expect(bridge.links).toEqual([[a.patientId, b.patientId]]);
      const link = { patientId: a.patientId, linkedPatientId: b.patientId, messageId: 'MSG0003', source: 'south', at: '2024-01-01T00:00:03.000Z' };
      expect(await catalog.listPatientLinks(a.patientId!)).toEqual([link]);
      expect(await catalog.listPatientLinks(b.patientId!)).toEqual([link]);
      // Recorded, not merged: each identifier keeps its patient.
      expect(await resolveIdentifier(catalog, 'SSA#SS#SSN-B')).toBe(b.patientId);
      expect(await catalog.getPatientMerge(b.patientId!)).toBeUndefined();
      // Bridging again (either way round) keeps the one link.
      await index.indexMessage(hl7('ADT^A08', ['PID|1||SSN-B^^^SSA^SS~MRN-A^^^NORTH^MR']), input());
      expect(await catalog.listPatientLinks(a.patientId!)).toEqual([link]);
    });

    it('applies an ADT^A40 merge with its history (MRG-1 prior identifiers)', async () => {
      const survivor = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-1^^^NORTH^MR']), input());
      const prior = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-9^^^NORTH^MR~SSN-9^^^SSA^SS']), input());
      const merge = await index.indexMessage(hl7('ADT^A40^ADT_A39', ['EVN|A40|20240102', 'PID|1||MRN-1^^^NORTH^MR', 'MRG|MRN-9^^^NORTH^MR']), {
        ...input(),
        messageType: 'ADT^A40',
      });
      const record = {
        mergedPatientId: prior.patientId,
        survivorPatientId: survivor.patientId,
        messageId: 'MSG0003',
        messageType: 'ADT^A40',
        source: 'north',
        priorIdentifiers: ['NORTH#MR#MRN-9'],
        at: '2024-01-01T00:00:03.000Z',
      };
      expect(merge.merges).toEqual([record]);
      expect(merge.patientId).toBe(survivor.patientId);
      expect(await catalog.getPatientMerge(prior.patientId!)).toEqual(record);
      expect(await catalog.listPatientMerges(survivor.patientId!)).toEqual([record]);
      expect(await catalog.listPatientMerges(prior.patientId!)).toEqual([record]);
      // Every identifier of the merged patient now resolves to the survivor; the rows keep history.
      expect(await resolveIdentifier(catalog, 'SSA#SS#SSN-9')).toBe(survivor.patientId);
      expect(await catalog.getPatientIdByIdentifier('SSA#SS#SSN-9')).toBe(prior.patientId);
      expect(await survivorOf(catalog, prior.patientId!)).toBe(survivor.patientId);
      // Later messages with the old identifiers attach to the survivor.
      expect((await index.indexMessage(hl7('ADT^A08', ['PID|1||MRN-9^^^NORTH^MR']), input())).patientId).toBe(survivor.patientId);
      // A redelivered merge changes nothing.
      await index.indexMessage(hl7('ADT^A40', ['PID|1||MRN-1^^^NORTH^MR', 'MRG|MRN-9^^^NORTH^MR']), { ...input(), messageType: 'ADT^A40' });
      expect(await catalog.listPatientMerges(survivor.patientId!)).toEqual([record]);
    });

    it('applies an ADT^A34 (v2.3) merge and records unknown prior identifiers for the survivor', async () => {
      const survivor = await index.indexMessage(hl7('ADT^A04', ['PID|1||NEW-1^^^NORTH^MR'], '2.3'), input());
      const prior = await index.indexMessage(hl7('ADT^A04', ['PID|1||OLD-1^^^NORTH^MR'], '2.3'), input());
      const merge = await index.indexMessage(
        hl7('ADT^A34', ['EVN|A34|20240102', 'PID|1||NEW-1^^^NORTH^MR', 'MRG|OLD-1^^^NORTH^MR~NEVER-SEEN^^^NORTH^MR'], '2.3'),
        input(),
      );
      expect(merge.merges).toEqual([
        expect.objectContaining({
          mergedPatientId: prior.patientId,
          survivorPatientId: survivor.patientId,
          messageType: 'ADT^A34',
          priorIdentifiers: ['NORTH#MR#OLD-1', 'NORTH#MR#NEVER-SEEN'],
        }),
      ]);
      expect(await catalog.getPatientIdByIdentifier('NORTH#MR#NEVER-SEEN')).toBe(survivor.patientId);
    });

    it('does not merge on an MRG outside a merge event, nor when the prior patient is the survivor', async () => {
      const a = await index.indexMessage(hl7('ADT^A01', ['PID|1||A^^^N^MR']), input());
      const b = await index.indexMessage(hl7('ADT^A01', ['PID|1||B^^^N^MR']), input());
      expect((await index.indexMessage(hl7('ADT^A08', ['PID|1||A^^^N^MR', 'MRG|B^^^N^MR']), input())).merges).toEqual([]);
      expect(await catalog.getPatientMerge(b.patientId!)).toBeUndefined();
      expect((await index.indexMessage(hl7('ADT^A40', ['PID|1||A^^^N^MR', 'MRG|A^^^N^MR']), input())).merges).toEqual([]);
      expect(await catalog.getPatientMerge(a.patientId!)).toBeUndefined();
    });

    it('applies every PID/MRG pair of a multi-patient merge and follows merge chains', async () => {
      const pa = (await index.indexMessage(hl7('ADT^A01', ['PID|1||A^^^N^MR']), input())).patientId!;
      const pb = (await index.indexMessage(hl7('ADT^A01', ['PID|1||B^^^N^MR']), input())).patientId!;
      const pc = (await index.indexMessage(hl7('ADT^A01', ['PID|1||C^^^N^MR']), input())).patientId!;
      const pd = (await index.indexMessage(hl7('ADT^A01', ['PID|1||D^^^N^MR']), input())).patientId!;
      const out = await index.indexMessage(hl7('ADT^A40', ['PID|1||B^^^N^MR', 'MRG|A^^^N^MR', 'PID|2||D^^^N^MR', 'MRG|C^^^N^MR']), input());
      expect(out.patients).toEqual([pb, pd]);
      expect(out.merges.map((m) => [m.mergedPatientId, m.survivorPatientId])).toEqual([
        [pa, pb],
        [pc, pd],
      ]);
      // Then B into D: A -> B -> D.
      await index.indexMessage(hl7('ADT^A40', ['PID|1||D^^^N^MR', 'MRG|B^^^N^MR']), input());
      expect(await survivorOf(catalog, pa)).toBe(pd);
      expect(await resolveIdentifier(catalog, 'N#MR#A')).toBe(pd);
    });

    it('gives the same patient and links when a message is indexed again (redelivery)', async () => {
      const a = await index.indexMessage(hl7('ADT^A01', ['PID|1||A^^^N^MR']), input());
      const b = await index.indexMessage(hl7('ADT^A01', ['PID|1||B^^^N^MR']), input());
      const message = hl7('ADT^A08', ['PID|1||A^^^N^MR~B^^^N^MR~C^^^N^MR']);
      const at = input();
      const first = await index.indexMessage(message, at);
      const second = await index.indexMessage(message, at);
      expect(second).toEqual(first);
      expect(first.links).toEqual([[a.patientId, b.patientId]]);
      expect(await catalog.listPatientLinks(a.patientId!)).toHaveLength(1);
    });
  });
}
