import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CatalogConflictError } from '../errors';
import { newMessageId } from '../ids';
import type { AuditRecord, AuditTrail } from '../ports/audit';
import { uniqueTag } from './support';

export interface AuditHarness {
  trail: AuditTrail;
  close?: () => Promise<void>;
}

export type AuditFactory = () => Promise<AuditHarness>;

/**
 * The audit trail contract: what is appended comes back whole, in order, filtered and paged
 * the same by every adapter; an id is never appended twice (append-only); what a query
 * answers is a copy. Records are namespaced by a random principal, so adapters may share storage.
 */
export function auditTrailContract(name: string, factory: AuditFactory): void {
  describe(`AuditTrail contract: ${name}`, () => {
    const base = Date.UTC(2026, 11, 7, 10, 0, 0);
    let h: AuditHarness;
    let principal: string;
    /** Fixed per test: record(i) is the same record each time it is made. */
    let ids: string[];
    let entity: string;
    beforeEach(async () => {
      h = await factory();
      principal = uniqueTag('user');
      ids = Array.from({ length: 10 }, (_, i) => newMessageId(base + i * 1000));
      entity = newMessageId(base);
    });
    afterEach(async () => h.close?.());

    const record = (i: number, over: Partial<AuditRecord> = {}): AuditRecord => ({
      auditId: ids[i] as string,
      at: new Date(base + i * 1000).toISOString(),
      principal,
      client: '127.0.0.1',
      action: 'read',
      method: 'GET',
      route: '/hl7v2/messages/{id}',
      entityType: 'message',
      entityIds: [entity],
      source: 'north',
      outcome: 'success',
      status: 200,
      ...over,
    });

    it('answers what was appended, whole and in order', async () => {
      const rs = [record(2), record(0, { patientId: 'pat_01JAAAAAAAAAAAAAAAAAAAAAAA', count: 3 }), record(1, { client: undefined })];
      const clean = (r: AuditRecord): AuditRecord => JSON.parse(JSON.stringify(r));
      for (const r of rs) await h.trail.append(r);
      const page = await h.trail.query({ principal, limit: 10 });
      expect(page.records).toEqual([rs[1], rs[2], rs[0]].map((r) => clean(r as AuditRecord)));
      expect(page.next).toBeUndefined();
    });

    it('filters on time, action, outcome and entity (entity ids or patient)', async () => {
      const target = newMessageId(base + 5);
      await h.trail.append(record(0));
      await h.trail.append(record(1, { action: 'write', method: 'POST', route: '/hl7v2/er7', status: 201, entityIds: [target] }));
      await h.trail.append(record(2, { outcome: 'denied', status: 404 }));
      await h.trail.append(record(3, { entityIds: [], patientId: target }));
      const ids = async (q: Parameters<AuditTrail['query']>[0]) => (await h.trail.query(q)).records.map((r) => r.at);
      const at = (i: number) => new Date(base + i * 1000).toISOString();
      expect(await ids({ principal, limit: 10, since: at(1), until: at(3) })).toEqual([at(1), at(2)]);
      expect(await ids({ principal, limit: 10, action: 'write' })).toEqual([at(1)]);
      expect(await ids({ principal, limit: 10, outcome: 'denied' })).toEqual([at(2)]);
      expect(await ids({ principal, limit: 10, entityId: target })).toEqual([at(1), at(3)]);
      expect(await ids({ principal: uniqueTag('nobody'), limit: 10 })).toEqual([]);
    });

    it('pages with next/after without losing or repeating a record', async () => {
      for (let i = 0; i < 7; i++) await h.trail.append(record(i));
      const seen: string[] = [];
      let after: string | undefined;
      for (let n = 0; n < 10; n++) {
        const page = await h.trail.query({ principal, limit: 3, ...(after !== undefined ? { after } : {}) });
        seen.push(...page.records.map((r) => r.auditId));
        if (page.next === undefined) break;
        after = page.next;
      }
      expect(seen).toEqual(ids.slice(0, 7));
    });

    it('is append-only: an id appended twice is refused and the first record stays', async () => {
      const first = record(0);
      await h.trail.append(first);
      await expect(h.trail.append({ ...first, outcome: 'error', status: 500 })).rejects.toBeInstanceOf(CatalogConflictError);
      expect((await h.trail.query({ principal, limit: 10 })).records).toEqual([first]);
    });

    it('answers copies: changing an answer changes nothing stored', async () => {
      await h.trail.append(record(0));
      const got = (await h.trail.query({ principal, limit: 1 })).records[0] as AuditRecord;
      got.entityIds.push('x');
      got.outcome = 'error';
      expect((await h.trail.query({ principal, limit: 1 })).records[0]).toEqual(record(0));
    });
  });
}
