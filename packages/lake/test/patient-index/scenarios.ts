/**
 * Patient index scenarios over a catalog: run on the in-memory catalog here and on the
 * SQLite catalog in packages/local/test/patient-index.test.ts (same file, imported by path).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseMessage } from '@hcdl/hl7v2';
import { createPatientIndex } from '../../src/patient-index/index-message';
import { IdentityPolicy } from '../../src/patient-index/identity-policy';
import { MergeRejection } from '../../src/patient-index/merge';
import { isPatientId, resolveIdentifier, survivorOf } from '../../src/patient-index/resolve';
import type { Catalog } from '../../src/ports/catalog';

let seq = 0;
/** A message of `type` from facility `facility` with the given segments after MSH (version 2.5 unless told). */
export function hl7(type: string, segments: string[], version = '2.5', facility = 'FAC'): ReturnType<typeof parseMessage> {
  seq++;
  return parseMessage([`MSH|^~\\&|APP|${facility}|LAKE|HCDL|20240102030405||${type}|C${seq}|P|${version}`, ...segments].join('\r'));
}

const none = { patients: [], links: [], merges: [], conflicts: [], rejectedMerges: [] };

export function patientIndexScenarios(name: string, open: () => Promise<{ catalog: Catalog; close(): Promise<void> }>): void {
  describe(`patient index (${name})`, () => {
    let catalog: Catalog;
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

    it('maps the linking identifiers of one message to one new patient, keeping the demographics per occurrence', async () => {
      const out = await index.indexMessage(
        hl7('ADT^A01', ['PID|1|EXT-1^^^REG^PI|MRN-1^^^NORTH^MR~SSN-1^^^SSA^SS|ALT-1^^^OLD^PT|DOE^JANE||19800315|F']),
        input(),
      );
      expect(isPatientId(out.patientId!)).toBe(true);
      expect(out).toMatchObject({ patients: [out.patientId], links: [], merges: [], conflicts: [], rejectedMerges: [], ignored: 1 });
      const rows = await catalog.listIdentifiersOfPatient(out.patientId!);
      // The SSN is not indexed: it never resolves a patient by itself.
      expect(rows.map((r) => r.identifier)).toEqual(['NORTH#MR#MRN-1', 'OLD#PT#ALT-1', 'REG#PI#EXT-1']);
      expect(rows[0]).toMatchObject({ patientId: out.patientId, source: 'north', firstSeenMessageId: 'MSG0001', firstSeenAt: '2024-01-01T00:00:01.000Z' });
      expect(await catalog.getPatientIdByIdentifier('SSA#SS#SSN-1')).toBeUndefined();
      expect(await catalog.getPatientOccurrence('NORTH#MR#MRN-1', 'north')).toEqual({
        identifier: 'NORTH#MR#MRN-1',
        source: 'north',
        patientId: out.patientId,
        facility: 'FAC',
        firstSeenMessageId: 'MSG0001',
        firstSeenAt: '2024-01-01T00:00:01.000Z',
        demographics: { familyName: 'DOE', givenName: 'JANE', birthDate: '19800315', sex: 'F' },
      });
      expect((await catalog.listPatientOccurrences(out.patientId!)).map((o) => o.identifier)).toEqual(['NORTH#MR#MRN-1', 'OLD#PT#ALT-1', 'REG#PI#EXT-1']);
    });

    it('gives a message without identifiers no patient', async () => {
      expect(await index.indexMessage(hl7('ADT^A01', ['PID|1||""']), input())).toEqual({ ...none, ignored: 0 });
      expect(await index.indexMessage(hl7('ORU^R01', ['OBR|1']), input())).toEqual({ ...none, ignored: 0 });
    });

    it('links a qualified MRN across sources when the demographics agree, recording each source occurrence', async () => {
      const first = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-1^^^NORTH^MR||DOE^JANE||19800315|F']), input());
      const again = await index.indexMessage(hl7('ADT^A08', ['PID|1||MRN-1^^^NORTH^MR||DOE^J||1980|F']), input('south'));
      expect(again.patientId).toBe(first.patientId);
      expect(again.conflicts).toEqual([]);
      expect(await catalog.getPatientOccurrence('NORTH#MR#MRN-1', 'south')).toMatchObject({ patientId: first.patientId, firstSeenMessageId: 'MSG0002' });
      // A v2.3 message naming it in PID-2 finds the same patient.
      expect((await index.indexMessage(hl7('ADT^A04', ['PID|1|MRN-1^^^NORTH^MR|'], '2.3'), input())).patientId).toBe(first.patientId);
    });

    it('scopes identifiers without an assigning authority to the source and sending facility', async () => {
      const a = await index.indexMessage(hl7('ADT^A01', ['PID|1||4711^^^^MR'], '2.5', 'CLINIC-A'), input());
      const b = await index.indexMessage(hl7('ADT^A01', ['PID|1||4711^^^^MR'], '2.5', 'CLINIC-B'), input());
      const c = await index.indexMessage(hl7('ADT^A01', ['PID|1||4711^^^^MR'], '2.5', 'CLINIC-A'), input('south'));
      const again = await index.indexMessage(hl7('ADT^A08', ['PID|1||4711^^^^MR'], '2.5', 'CLINIC-A'), input());
      expect(new Set([a.patientId, b.patientId, c.patientId]).size).toBe(3);
      expect(again.patientId).toBe(a.patientId);
      expect((await catalog.listIdentifiersOfPatient(a.patientId!)).map((r) => r.identifier)).toEqual(['#MR#4711#north#CLINIC-A']);
      // A three-part key never finds a scoped identifier, and no CX-4 can forge a scope.
      expect(await catalog.getPatientIdByIdentifier('#MR#4711')).toBeUndefined();
      const forged = await index.indexMessage(hl7('ADT^A01', ['PID|1||4711^^^#MR#4711#north#CLINIC-A^MR']), input('south'));
      expect(forged.patientId).not.toBe(a.patientId);
    });

    it('links unqualified identifiers of a source given a default authority', async () => {
      const policy = new IdentityPolicy({ sources: { north: { defaultAuthority: 'NORTH' } } });
      const withPolicy = createPatientIndex(catalog, { policy });
      const a = await withPolicy.indexMessage(hl7('ADT^A01', ['PID|1||77^^^^MR'], '2.5', 'WARD-1'), input());
      const b = await withPolicy.indexMessage(hl7('ADT^A01', ['PID|1||77^^^NORTH^MR'], '2.5', 'WARD-2'), input('south'));
      expect(b.patientId).toBe(a.patientId);
      expect(await catalog.getPatientIdByIdentifier('NORTH#MR#77')).toBe(a.patientId);
    });

    it('never links placeholder values (zeros, nines, UNKNOWN, test MRNs)', async () => {
      for (const value of ['00000-0000000', '999999999', 'UNKNOWN', 'TEST123', '123456789', '0']) {
        const out = await index.indexMessage(hl7('ADT^A01', [`PID|1||${value}^^^NORTH^MR`]), input());
        expect(out).toEqual({ ...none, ignored: 1 });
      }
      expect(await catalog.getPatientIdByIdentifier('NORTH#MR#UNKNOWN')).toBeUndefined();
    });

    it('never links two patients through an SSN or a driving licence alone', async () => {
      const a = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-A^^^NORTH^MR~123-45-6780^^^SSA^SS~D123^^^DMV^DL']), input());
      const b = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-B^^^NORTH^MR~123-45-6780^^^SSA^SS~D123^^^DMV^DL']), input());
      expect(b.patientId).not.toBe(a.patientId);
      expect(b.links).toEqual([]);
    });

    it('records a conflict, not a link, when the birth date or sex of a linked identifier disagree', async () => {
      const north = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-1^^^SHARED^MR||DOE^JANE||19800315|F']), input());
      const south = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-1^^^SHARED^MR||DOE^JOHN||19750102|M']), input('south'));
      expect(south.patientId).not.toBe(north.patientId);
      expect(south.links).toEqual([]);
      const conflict = {
        patientId: north.patientId,
        conflictingPatientId: south.patientId,
        identifier: 'SHARED#MR#MRN-1',
        source: 'south',
        otherSource: 'north',
        fields: ['birthDate', 'sex'],
        messageId: 'MSG0002',
        at: '2024-01-01T00:00:02.000Z',
      };
      expect(south.conflicts).toEqual([conflict]);
      expect(await catalog.listPatientConflicts(north.patientId!)).toEqual([conflict]);
      expect(await catalog.listPatientConflicts(south.patientId!)).toEqual([conflict]);
      // South's later messages keep to south's patient; the conflict is recorded once.
      const later = await index.indexMessage(hl7('ADT^A08', ['PID|1||MRN-1^^^SHARED^MR||DOE^JOHN||19750102|M']), input('south'));
      expect(later).toMatchObject({ patientId: south.patientId, conflicts: [] });
      expect(await catalog.listPatientConflicts(north.patientId!)).toHaveLength(1);
      // North's own identifier still resolves to north's patient.
      expect(await resolveIdentifier(catalog, 'SHARED#MR#MRN-1')).toBe(north.patientId);
    });

    it('links two known patients a message bridges, without merging them', async () => {
      const a = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-A^^^NORTH^MR']), input());
      const b = await index.indexMessage(hl7('ADT^A01', ['PID|1||ACC-B^^^NORTH^AN']), input());
      expect(b.patientId).not.toBe(a.patientId);
      const bridge = await index.indexMessage(hl7('ADT^A08', ['PID|1||MRN-A^^^NORTH^MR~ACC-B^^^NORTH^AN']), input());
      expect(bridge.patientId).toBe(a.patientId);
      expect(bridge.links).toEqual([[a.patientId, b.patientId]]);
      const link = { patientId: a.patientId, linkedPatientId: b.patientId, messageId: 'MSG0003', source: 'north', at: '2024-01-01T00:00:03.000Z' };
      expect(await catalog.listPatientLinks(a.patientId!)).toEqual([link]);
      expect(await catalog.listPatientLinks(b.patientId!)).toEqual([link]);
      expect(await resolveIdentifier(catalog, 'NORTH#AN#ACC-B')).toBe(b.patientId);
      expect(await catalog.getPatientMerge(b.patientId!)).toBeUndefined();
      await index.indexMessage(hl7('ADT^A08', ['PID|1||ACC-B^^^NORTH^AN~MRN-A^^^NORTH^MR']), input());
      expect(await catalog.listPatientLinks(a.patientId!)).toEqual([link]);
    });

    it('applies an ADT^A40 merge of the source’s own identifiers with its history (MRG-1)', async () => {
      const survivor = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-1^^^NORTH^MR']), input());
      const prior = await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-9^^^NORTH^MR~ACC-9^^^NORTH^AN']), input());
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
      expect(merge.rejectedMerges).toEqual([]);
      expect(await catalog.getPatientMerge(prior.patientId!)).toEqual(record);
      expect(await catalog.listPatientMerges(survivor.patientId!)).toEqual([record]);
      expect(await resolveIdentifier(catalog, 'NORTH#AN#ACC-9')).toBe(survivor.patientId);
      expect(await catalog.getPatientIdByIdentifier('NORTH#AN#ACC-9')).toBe(prior.patientId);
      expect(await survivorOf(catalog, prior.patientId!)).toBe(survivor.patientId);
      expect((await index.indexMessage(hl7('ADT^A08', ['PID|1||MRN-9^^^NORTH^MR']), input())).patientId).toBe(survivor.patientId);
      await index.indexMessage(hl7('ADT^A40', ['PID|1||MRN-1^^^NORTH^MR', 'MRG|MRN-9^^^NORTH^MR']), { ...input(), messageType: 'ADT^A40' });
      expect(await catalog.listPatientMerges(survivor.patientId!)).toEqual([record]);
    });

    it('applies ADT^A34 (v2.3) and ADT^A47 merges, ignoring prior identifiers the source never sent', async () => {
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
          priorIdentifiers: ['NORTH#MR#OLD-1'],
        }),
      ]);
      expect(merge.ignored).toBe(1);
      expect(await catalog.getPatientIdByIdentifier('NORTH#MR#NEVER-SEEN')).toBeUndefined();
      const other = await index.indexMessage(hl7('ADT^A04', ['PID|1||OTHER-1^^^NORTH^MR'], '2.5'), input());
      const change = await index.indexMessage(hl7('ADT^A47', ['PID|1||NEW-1^^^NORTH^MR', 'MRG|OTHER-1^^^NORTH^MR']), input());
      expect(change.merges.map((m) => [m.mergedPatientId, m.survivorPatientId, m.messageType])).toEqual([[other.patientId, survivor.patientId, 'ADT^A47']]);
    });

    it('refuses a merge whose MRG names only identifiers the sender never sent, whether another source has them or not (no oracle)', async () => {
      const north = await index.indexMessage(hl7('ADT^A01', ['PID|1||N-77^^^NORTHMRN^MR||DOE^JANE||19800315|F']), input());
      const south = await index.indexMessage(hl7('ADT^A01', ['PID|1||S-1^^^SOUTHMRN^MR']), input('south'));
      const known = await index.indexMessage(hl7('ADT^A40', ['PID|1||S-1^^^SOUTHMRN^MR', 'MRG|N-77^^^NORTHMRN^MR']), input('south'));
      const unknown = await index.indexMessage(hl7('ADT^A40', ['PID|1||S-1^^^SOUTHMRN^MR', 'MRG|N-78^^^NORTHMRN^MR']), input('south'));
      const rejected = {
        code: MergeRejection.PriorNotRecorded,
        mrg: 1,
        reason: "MRG 1 names no identifier this source has sent before; merges apply only to the sender's own identifiers",
      };
      // The same answer whether north recorded the identifier or nobody did.
      expect(known).toEqual({ ...none, patientId: south.patientId, patients: [south.patientId], rejectedMerges: [rejected], ignored: 1 });
      expect(unknown).toEqual(known);
      expect(await catalog.getPatientMerge(north.patientId!)).toBeUndefined();
      expect(await catalog.listPatientMerges(south.patientId!)).toEqual([]);
      expect(await resolveIdentifier(catalog, 'NORTHMRN#MR#N-77')).toBe(north.patientId);
      expect(await catalog.getPatientIdByIdentifier('NORTHMRN#MR#N-78')).toBeUndefined();
      expect(await catalog.getPatientOccurrence('NORTHMRN#MR#N-77', 'south')).toBeUndefined();
    });

    it('refuses a merge whose MRG names only placeholders or never-linking types', async () => {
      await index.indexMessage(hl7('ADT^A01', ['PID|1||MRN-1^^^NORTH^MR']), input());
      const out = await index.indexMessage(hl7('ADT^A40', ['PID|1||MRN-1^^^NORTH^MR', 'MRG|UNKNOWN^^^NORTH^MR~123-45-6780^^^SSA^SS']), input());
      expect(out.merges).toEqual([]);
      expect(out.rejectedMerges).toEqual([expect.objectContaining({ code: MergeRejection.NoUsablePrior, mrg: 1 })]);
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
