import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { auditTrailContract } from '@hcdl/lake/testing';
import { openDatabase } from '../../src/adapters/local-adapters';
import { groupCommitOf } from '../../src/adapters/group-commit';
import { SqliteAuditTrail } from '../../src/adapters/sqlite-audit-trail';

async function open() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-audit-contract-'));
  const db = openDatabase(path.join(dir, 'catalog.db'));
  return {
    db,
    trail: new SqliteAuditTrail(db),
    close: async () => {
      await groupCommitOf(db).close();
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

auditTrailContract('SqliteAuditTrail', open);

describe('SqliteAuditTrail', () => {
  it('is append-only in the file itself: UPDATE and DELETE are refused by triggers, the record stays', async () => {
    const h = await open();
    try {
      const record = {
        auditId: '01JAAAAAAAAAAAAAAAAAAAAAAA',
        at: '2026-12-07T10:00:00.000Z',
        principal: 'u',
        action: 'read' as const,
        method: 'GET',
        route: '/patients/{id}',
        entityType: 'patient',
        entityIds: ['pat_01JAAAAAAAAAAAAAAAAAAAAAAA'],
        outcome: 'success' as const,
        status: 200,
      };
      await h.trail.append(record);
      await groupCommitOf(h.db).settled();
      expect(() => h.db.prepare("UPDATE audit SET principal = 'someone else'").run()).toThrow(/append-only/);
      expect(() => h.db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
      expect(() => h.db.prepare('DELETE FROM audit_entities').run()).toThrow(/append-only/);
      expect((await h.trail.query({ limit: 10 })).records).toEqual([record]);
    } finally {
      await h.close();
    }
  });
});
