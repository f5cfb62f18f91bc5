import { describe, expect, it } from '@jest/globals';
import { CatalogConflictError, NotFoundError, ValidationError } from '../errors';
import type { MessageQuery, Catalog } from '../ports/catalog';
import type { MessageRecord } from '../records';
import { stagingKey } from '../zones';
import { allMessages, ids, messageRecord, T0 } from './catalog-fixtures';
import { settleAll, sorted, uniqueTag } from './support';

/** Message rows: put/get, conditional update, and every listMessages filter with paging. */
export function describeCatalogMessages(catalog: () => Catalog): void {
  describe('putMessage and getMessage', () => {
    it('round-trips a record with every optional field', async () => {
      const source = uniqueTag('src-');
      const r = messageRecord(source, T0, {
        controlId: 'CTL-0001',
        messageType: 'ADT^A01',
        structure: 'ADT_A01',
        version: '2.5.1',
        sendingApplication: 'EPIC',
        sendingFacility: 'Hôpital Élan',
        patientId: uniqueTag('pat-'),
        submittedBy: 'user-sub-1',
        batchId: messageRecord(source, T0 - 1).messageId,
        batchIndex: 3,
      });
      await catalog().putMessage(r);
      expect(await catalog().getMessage(r.messageId)).toEqual(r);
    });

    it('round-trips a minimal record (not HL7: no type, control id or patient)', async () => {
      const r = messageRecord(uniqueTag('src-'), T0, { status: 'error', errorKey: 'error/x.hl7' });
      await catalog().putMessage(r);
      const got = await catalog().getMessage(r.messageId);
      expect(got).toEqual(r);
      expect(got?.messageType).toBeUndefined();
      expect(got?.patientId).toBeUndefined();
    });

    it('returns undefined for an unknown id', async () => {
      expect(await catalog().getMessage(messageRecord('x', T0).messageId)).toBeUndefined();
    });

    it('refuses a second row with the same id (CatalogConflictError) and keeps the first', async () => {
      const r = messageRecord(uniqueTag('src-'), T0, { messageType: 'ADT^A01' });
      await catalog().putMessage(r);
      await expect(catalog().putMessage({ ...r, source: 'other', status: 'staged', messageType: 'ORU^R01' })).rejects.toBeInstanceOf(CatalogConflictError);
      expect(await catalog().getMessage(r.messageId)).toEqual(r);
    });

    it('lets exactly one of concurrent puts of one id win', async () => {
      const r = messageRecord(uniqueTag('src-'), T0);
      const { fulfilled, rejected } = await settleAll(Array.from({ length: 6 }, (_, i) => catalog().putMessage({ ...r, size: i })));
      expect(fulfilled).toHaveLength(1);
      for (const err of rejected) expect(err).toBeInstanceOf(CatalogConflictError);
      expect((await allMessages(catalog(), { source: r.source })).items).toHaveLength(1);
    });
  });

  describe('updateMessage', () => {
    it('applies a patch, returns the updated row and keeps the other fields', async () => {
      const r = messageRecord(uniqueTag('src-'), T0, { messageType: 'ADT^A01', controlId: 'C1' });
      await catalog().putMessage(r);
      const key = stagingKey(r.source, 'ADT_A01', r.messageId);
      const updated = await catalog().updateMessage(r.messageId, {
        status: 'staged',
        stagingKey: key,
        structure: 'ADT_A01',
        attempts: 1,
        updatedAt: new Date(T0 + 5).toISOString(),
      });
      expect(updated).toEqual({ ...r, status: 'staged', stagingKey: key, structure: 'ADT_A01', attempts: 1, updatedAt: new Date(T0 + 5).toISOString() });
      expect(await catalog().getMessage(r.messageId)).toEqual(updated);
    });

    it('never changes messageId, source or receivedAt', async () => {
      const r = messageRecord(uniqueTag('src-'), T0);
      await catalog().putMessage(r);
      const sneaky = { messageId: 'OTHER', source: 'other', receivedAt: new Date(T0 + 1).toISOString(), attempts: 2 } as Partial<MessageRecord>;
      const updated = await catalog().updateMessage(r.messageId, sneaky);
      expect(updated).toMatchObject({ messageId: r.messageId, source: r.source, receivedAt: r.receivedAt, attempts: 2 });
      expect(await catalog().getMessage(r.messageId)).toEqual(updated);
      expect(await catalog().getMessage('OTHER')).toBeUndefined();
    });

    it('updates when the expected status matches, else CatalogConflictError with the row unchanged', async () => {
      const r = messageRecord(uniqueTag('src-'), T0);
      await catalog().putMessage(r);
      await expect(catalog().updateMessage(r.messageId, { status: 'error' }, 'staged')).rejects.toBeInstanceOf(CatalogConflictError);
      expect(await catalog().getMessage(r.messageId)).toEqual(r);
      const ok = await catalog().updateMessage(r.messageId, { status: 'staged' }, 'ingested');
      expect(ok.status).toBe('staged');
      await expect(catalog().updateMessage(r.messageId, { status: 'error' }, 'ingested')).rejects.toBeInstanceOf(CatalogConflictError);
      expect((await catalog().getMessage(r.messageId))?.status).toBe('staged');
    });

    it('lets exactly one of concurrent conditional updates win', async () => {
      const r = messageRecord(uniqueTag('src-'), T0);
      await catalog().putMessage(r);
      const { fulfilled, rejected } = await settleAll(
        Array.from({ length: 5 }, (_, i) => catalog().updateMessage(r.messageId, { status: 'staged', attempts: i + 1 }, 'ingested')),
      );
      expect(fulfilled).toHaveLength(1);
      for (const err of rejected) expect(err).toBeInstanceOf(CatalogConflictError);
      expect(await catalog().getMessage(r.messageId)).toEqual(fulfilled[0]);
    });

    it('throws NotFoundError for an unknown id', async () => {
      await expect(catalog().updateMessage(messageRecord('x', T0).messageId, { status: 'staged' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('makes patched status, messageType and patientId visible to listMessages', async () => {
      const r = messageRecord(uniqueTag('src-'), T0);
      const patientId = uniqueTag('pat-');
      await catalog().putMessage(r);
      await catalog().updateMessage(r.messageId, { status: 'staged', messageType: 'ORU^R01', patientId });
      expect(ids((await allMessages(catalog(), { source: r.source, status: 'staged', messageType: 'ORU^R01' })).items)).toEqual([r.messageId]);
      expect(ids((await allMessages(catalog(), { patientId })).items)).toEqual([r.messageId]);
      expect((await allMessages(catalog(), { source: r.source, status: 'ingested' })).items).toEqual([]);
    });
  });

  describe('listMessages', () => {
    /** Source A: 6 rows one second apart; source B: 3 rows in between. Oldest first. */
    async function seed(): Promise<{ a: MessageRecord[]; b: MessageRecord[]; all: MessageRecord[]; patientId: string }> {
      const [sa, sb] = [uniqueTag('srcA-'), uniqueTag('srcB-')];
      const patientId = uniqueTag('pat-');
      const a = Array.from({ length: 6 }, (_, i) =>
        messageRecord(sa, T0 + i * 1000, {
          messageType: i % 2 === 0 ? 'ADT^A01' : 'ORU^R01',
          status: i < 4 ? 'staged' : 'error',
          ...(i % 3 === 0 ? { patientId } : {}),
        }),
      );
      const b = Array.from({ length: 3 }, (_, i) => messageRecord(sb, T0 + i * 1000 + 500, { messageType: 'ADT^A01', patientId }));
      const all = [...a, ...b].sort((x, y) => (x.messageId < y.messageId ? -1 : 1));
      // Put in a scrambled order: the order of results must not depend on insertion order.
      for (const r of [a[3], b[1], a[0], a[5], b[0], a[2], b[2], a[1], a[4]] as MessageRecord[]) await catalog().putMessage(r);
      return { a, b, all, patientId };
    }

    it('lists one source oldest first (ascending messageId = receive order)', async () => {
      const { a } = await seed();
      const { items } = await allMessages(catalog(), { source: a[0]?.source as string });
      expect(items).toEqual(a);
    });

    it('lists several sources (array) merged oldest first', async () => {
      const { a, b, all } = await seed();
      const { items } = await allMessages(catalog(), { source: [a[0]?.source as string, b[0]?.source as string] });
      expect(ids(items)).toEqual(ids(all));
      expect(ids(items)).toEqual(sorted(ids(items)));
    });

    it('filters by messageType and status', async () => {
      const { a } = await seed();
      const source = a[0]?.source as string;
      expect(ids((await allMessages(catalog(), { source, messageType: 'ORU^R01' })).items)).toEqual(ids([a[1], a[3], a[5]] as MessageRecord[]));
      expect(ids((await allMessages(catalog(), { source, status: 'error' })).items)).toEqual(ids([a[4], a[5]] as MessageRecord[]));
      expect(ids((await allMessages(catalog(), { source, status: 'staged', messageType: 'ADT^A01' })).items)).toEqual(ids([a[0], a[2]] as MessageRecord[]));
      expect((await allMessages(catalog(), { source, messageType: 'MDM^T02' })).items).toEqual([]);
    });

    it('filters by status alone across sources, every page holding only that status', async () => {
      const { b } = await seed();
      const { items } = await allMessages(catalog(), { status: 'ingested', limit: 50 });
      expect(items.every((r) => r.status === 'ingested')).toBe(true);
      expect(items.filter((r) => r.source === b[0]?.source)).toEqual(b);
      expect(new Set(ids(items)).size).toBe(items.length);
    });

    it('treats since as inclusive and until as exclusive on receivedAt', async () => {
      const { a } = await seed();
      const source = a[0]?.source as string;
      const at = (i: number): string => a[i]?.receivedAt as string;
      expect(ids((await allMessages(catalog(), { source, since: at(2) })).items)).toEqual(ids(a.slice(2)));
      expect(ids((await allMessages(catalog(), { source, until: at(2) })).items)).toEqual(ids(a.slice(0, 2)));
      expect(ids((await allMessages(catalog(), { source, since: at(1), until: at(4) })).items)).toEqual(ids(a.slice(1, 4)));
      expect((await allMessages(catalog(), { source, since: at(3), until: at(3) })).items).toEqual([]);
    });

    it('compares since/until as instants, whatever the ISO spelling', async () => {
      const { a } = await seed();
      const source = a[0]?.source as string;
      // T0 has no milliseconds: the same instant without fraction, and with an offset.
      const noMillis = (a[2]?.receivedAt as string).replace('.000Z', 'Z');
      const offset = new Date(a[2]?.receivedAt as string).toISOString().replace(/\.000Z$/, '.000+00:00');
      expect(noMillis).not.toBe(a[2]?.receivedAt);
      expect(ids((await allMessages(catalog(), { source, since: noMillis })).items)).toEqual(ids(a.slice(2)));
      expect(ids((await allMessages(catalog(), { source, until: noMillis })).items)).toEqual(ids(a.slice(0, 2)));
      expect(ids((await allMessages(catalog(), { source, since: offset })).items)).toEqual(ids(a.slice(2)));
    });

    it('refuses a bound that is not an instant with ValidationError', async () => {
      await expect(catalog().listMessages({ source: uniqueTag('src-'), since: 'yesterday' })).rejects.toBeInstanceOf(ValidationError);
      await expect(catalog().listMessages({ source: uniqueTag('src-'), until: '2031-13-45T99:00:00Z' })).rejects.toBeInstanceOf(ValidationError);
    });

    it('filters by patientId', async () => {
      const { a, b, patientId } = await seed();
      const expected = [a[0], a[3], ...b].sort((x, y) => ((x?.messageId ?? '') < (y?.messageId ?? '') ? -1 : 1)) as MessageRecord[];
      expect(ids((await allMessages(catalog(), { patientId })).items)).toEqual(ids(expected));
      expect((await allMessages(catalog(), { patientId: uniqueTag('nobody-') })).items).toEqual([]);
    });

    it.each([1, 2, 4, 9, 10])('pages with limit %i until the cursor is exhausted: no gaps, no duplicates', async (limit) => {
      const { a, b, all } = await seed();
      const { items, pages } = await allMessages(catalog(), { source: [a[0]?.source as string, b[0]?.source as string], limit });
      expect(ids(items)).toEqual(ids(all));
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(all.length / limit));
    });

    it.each([1, 2, 4, 10])('lists newest first with order desc, paging with limit %i (sources, time bounds, patient, status)', async (limit) => {
      const { a, b, all, patientId } = await seed();
      const source = a[0]?.source as string;
      const at = (i: number): string => a[i]?.receivedAt as string;
      const desc = async (q: MessageQuery) => ids((await allMessages(catalog(), { ...q, order: 'desc', limit })).items);
      expect(await desc({ source: [source, b[0]?.source as string] })).toEqual(ids(all).reverse());
      expect(await desc({ source, since: at(1), until: at(4) })).toEqual(ids(a.slice(1, 4)).reverse());
      expect(await desc({ source, since: at(2) })).toEqual(ids(a.slice(2)).reverse());
      expect(await desc({ patientId })).toEqual(ids((await allMessages(catalog(), { patientId })).items).reverse());
      expect(await desc({ source, status: 'staged' })).toEqual(ids(a.slice(0, 4)).reverse());
    });

    it('keeps the filters across pages', async () => {
      const { a } = await seed();
      const { items } = await allMessages(catalog(), { source: a[0]?.source as string, status: 'staged', limit: 1 });
      expect(ids(items)).toEqual(ids(a.slice(0, 4)));
    });

    it('answers an empty page without cursor when nothing matches', async () => {
      const page = await catalog().listMessages({ source: uniqueTag('none-') });
      expect(page.items).toEqual([]);
      expect(page.cursor).toBeUndefined();
    });
  });
}
