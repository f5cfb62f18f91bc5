/**
 * ADR 0014: a message whose raw bytes and catalog row were stored but whose dedup record was
 * left in progress (the process died before completing it, so the sender got no answer) is
 * answered 409 with the original id when resent, both while that record still blocks its key
 * and after it has expired and is taken over; the lake keeps one row.
 */
import { describe, expect, it } from '@jest/globals';
import { IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { MemoryCatalog, MemoryHub, MemoryObjectStore, MemoryPersistenceLayer } from '@hcdl/lake/testing';
import { createApplication } from '../../src/index';
import { adt, recordingLogger } from '../support';

const WRITER = { sub: 'u1', 'custom:write': 'lab' };

/** Ports that outlive a "process": the application is built again over them after the crash. */
function lake() {
  return {
    objectStore: new MemoryObjectStore(),
    catalog: new MemoryCatalog(),
    hub: new MemoryHub(),
    idempotencyStore: new MemoryPersistenceLayer(),
    logger: recordingLogger(),
  };
}

/** Dies before it can complete a record. */
class DyingPersistenceLayer extends MemoryPersistenceLayer {
  protected override async _updateRecord(): Promise<void> {
    throw new Error('killed');
  }
}

/** The first process: it stores the message, then dies before its dedup record is completed. */
async function crashAfterRow(ports: ReturnType<typeof lake>, text: string): Promise<string> {
  const dying = new DyingPersistenceLayer();
  const app = createApplication({ ...ports, idempotencyStore: dying }, { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600 });
  await expect(app.submit({ claims: WRITER, body: Buffer.from(text, 'latin1'), contentType: 'application/hl7-v2' })).rejects.toThrow();
  // What the dead process left on disk: its dedup record, in progress.
  for (const [k, v] of dying.records) ports.idempotencyStore.records.set(k, v);
  const rows = [...ports.catalog.messages.values()];
  expect(rows).toHaveLength(1);
  const [record] = [...ports.idempotencyStore.records.values()];
  expect(record?.status).toBe(IdempotencyRecordStatus.INPROGRESS);
  return rows[0]!.messageId;
}

const resend = (ports: ReturnType<typeof lake>, text: string) =>
  createApplication(ports, { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600 }).submit({
    claims: WRITER,
    body: Buffer.from(text, 'latin1'),
    contentType: 'application/hl7-v2',
  });

describe('a resend after a crash between the row and the dedup result', () => {
  it('is a duplicate of the stored message while the record left in progress still blocks its key', async () => {
    const ports = lake();
    const text = adt('CRASH-1', 'MRN-1');
    const original = await crashAfterRow(ports, text);
    const out = await resend(ports, text);
    expect(out).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate', messageId: original, controlId: 'CRASH-1' }] });
    expect(ports.catalog.messages.size).toBe(1);
  }, 30_000);

  it('is a duplicate of the stored message when the expired record is taken over, and the record then holds its id', async () => {
    const ports = lake();
    const text = adt('CRASH-2', 'MRN-2');
    const original = await crashAfterRow(ports, text);
    for (const r of ports.idempotencyStore.records.values()) r.inProgressExpiry = Date.now() - 1;
    const out = await resend(ports, text);
    expect(out).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate', messageId: original }] });
    expect(ports.catalog.messages.size).toBe(1);
    // No second raw object either: the catalog was consulted before anything was written.
    expect([...ports.objectStore.objects.keys()].filter((k) => k.startsWith('raw/'))).toHaveLength(1);
    const [record] = [...ports.idempotencyStore.records.values()];
    expect([record?.status, JSON.parse(record?.data ?? '{}').messageId]).toEqual([IdempotencyRecordStatus.COMPLETED, original]);
    // And the next resend is answered from the completed record.
    expect(await resend(ports, text)).toMatchObject({ messages: [{ status: 'duplicate', messageId: original }] });
  }, 30_000);

  it('is refused by the catalog itself when two writers hold the key at once (the unique key decides)', async () => {
    const ports = lake();
    const text = adt('CRASH-3', 'MRN-3');
    const app = createApplication(ports, { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600 });
    // The consult before writing saw nothing (a takeover racing the first writer): only the catalog's claim stops the second row.
    const consult = ports.catalog.getContentClaim.bind(ports.catalog);
    let calls = 0;
    ports.catalog.getContentClaim = async (s, h) => (calls++ < 2 ? undefined : consult(s, h));
    const first = await app.submit({ claims: WRITER, body: Buffer.from(text, 'latin1'), contentType: 'application/hl7-v2' });
    ports.idempotencyStore.records.clear();
    const second = await app.submit({ claims: WRITER, body: Buffer.from(text, 'latin1'), contentType: 'application/hl7-v2' });
    const firstId = (first as { messages: { messageId: string }[] }).messages[0]?.messageId;
    expect(second).toMatchObject({ kind: 'accepted', messages: [{ status: 'duplicate', messageId: firstId }] });
    expect(ports.catalog.messages.size).toBe(1);
  }, 30_000);
});
