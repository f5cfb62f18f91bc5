import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { ValidationError } from '@hcdl/lake';
import { messageRecord, T0 } from '@hcdl/lake/testing';
import { SqliteCatalog } from '../../src/adapters/sqlite-catalog';

// Cases where the SQLite catalog used to differ from the DynamoDB one (both now share packages/lake/src/catalog-policy.ts).
describe('SqliteCatalog follows the shared catalog policy', () => {
  let db: Database.Database;
  let catalog: SqliteCatalog;
  beforeEach(() => {
    db = new Database(':memory:');
    catalog = new SqliteCatalog(db);
  });
  afterEach(() => {
    db.close();
  });

  it('keeps a required field that a patch sets to undefined, and removes an optional one', async () => {
    const row = messageRecord('src', T0, { patientId: 'P1' });
    await catalog.putMessage(row);
    const next = await catalog.updateMessage(row.messageId, { contentHash: undefined, patientId: undefined, status: 'staged' } as Parameters<
      SqliteCatalog['updateMessage']
    >[1]);
    expect(next.contentHash).toBe(row.contentHash);
    expect(next.patientId).toBeUndefined();
    const stored = await catalog.getMessage(row.messageId);
    expect(stored).toEqual(next);
    expect(stored?.contentHash).toBe(row.contentHash);
  });

  it('refuses a cursor it did not issue with a ValidationError', async () => {
    await expect(catalog.listMessages({ cursor: 'garbage' })).rejects.toThrow(ValidationError);
    await expect(catalog.listErrors({ cursor: 'garbage' })).rejects.toThrow(ValidationError);
  });

  it('takes a fractional page size as its whole part', async () => {
    for (let i = 0; i < 3; i++) await catalog.putMessage(messageRecord('src', T0 + i));
    const page = await catalog.listMessages({ limit: 2.5 });
    expect(page.items).toHaveLength(2);
    expect(page.cursor).toBeDefined();
  });
});
