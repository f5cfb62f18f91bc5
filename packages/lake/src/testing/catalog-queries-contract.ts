import { describe, expect, it } from '@jest/globals';
import { CatalogConflictError, NotFoundError, ValidationError } from '../errors';
import type { Catalog, ErrorQuery } from '../ports/catalog';
import type { ErrorRecord, MessageRecord } from '../records';
import { errorKey, stagingKey } from '../zones';
import { allMessages, allPages, errorRecord, ids, messageRecord, T0 } from './catalog-fixtures';
import { uniqueTag } from './support';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Message lifecycles and the combinations of query filters, bounds and paging. */
export function describeCatalogQueries(catalog: () => Catalog): void {
  describe('status transitions', () => {
    it('walks ingested -> error -> ingested (replay) -> staged, keeping attempts and pointers', async () => {
      const r = messageRecord(uniqueTag('src-'), T0);
      await catalog().putMessage(r);
      const eKey = errorKey(r.source, r.messageId);
      const failed = await catalog().updateMessage(r.messageId, { status: 'error', attempts: 1, errorKey: eKey, updatedAt: iso(T0 + 10) }, 'ingested');
      expect(failed).toEqual({ ...r, status: 'error', attempts: 1, errorKey: eKey, updatedAt: iso(T0 + 10) });
      const replayed = await catalog().updateMessage(r.messageId, { status: 'ingested', updatedAt: iso(T0 + 20) }, 'error');
      expect(replayed).toMatchObject({ status: 'ingested', attempts: 1, errorKey: eKey });
      const sKey = stagingKey(r.source, 'ADT_A01', r.messageId);
      const staged = await catalog().updateMessage(
        r.messageId,
        { status: 'staged', attempts: 2, stagingKey: sKey, messageType: 'ADT^A01', updatedAt: iso(T0 + 30) },
        'ingested',
      );
      expect(staged).toEqual({ ...r, status: 'staged', attempts: 2, errorKey: eKey, stagingKey: sKey, messageType: 'ADT^A01', updatedAt: iso(T0 + 30) });
      expect(await catalog().getMessage(r.messageId)).toEqual(staged);
      expect(ids((await allMessages(catalog(), { source: r.source, status: 'staged' })).items)).toEqual([r.messageId]);
      expect((await allMessages(catalog(), { source: r.source, status: 'error' })).items).toEqual([]);
    });

    it('returns the row unchanged for an empty patch, with or without a matching expected status', async () => {
      const r = messageRecord(uniqueTag('src-'), T0, { messageType: 'ORU^R01' });
      await catalog().putMessage(r);
      expect(await catalog().updateMessage(r.messageId, {})).toEqual(r);
      expect(await catalog().updateMessage(r.messageId, {}, 'ingested')).toEqual(r);
      expect(await catalog().getMessage(r.messageId)).toEqual(r);
    });

    it('throws NotFoundError (not a conflict) for a conditional update of an unknown id', async () => {
      const err = await catalog()
        .updateMessage(messageRecord('x', T0).messageId, { status: 'staged' }, 'ingested')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err).not.toBeInstanceOf(CatalogConflictError);
    });

    it('refuses a second put of an updated row and keeps the updated row', async () => {
      const r = messageRecord(uniqueTag('src-'), T0);
      await catalog().putMessage(r);
      const staged = await catalog().updateMessage(r.messageId, { status: 'staged', attempts: 1 }, 'ingested');
      await expect(catalog().putMessage(r)).rejects.toBeInstanceOf(CatalogConflictError);
      expect(await catalog().getMessage(r.messageId)).toEqual(staged);
      expect(ids((await allMessages(catalog(), { source: r.source })).items)).toEqual([r.messageId]);
    });
  });

  describe('listMessages filter combinations', () => {
    /** Two sources, one patient on some rows, a type unique to this test, 10 ms apart. */
    async function seed(): Promise<{ rows: MessageRecord[]; sources: string[]; patientId: string; type: string }> {
      const sources = [uniqueTag('srcA-'), uniqueTag('srcB-')];
      const [patientId, type] = [uniqueTag('pat-'), `Z${uniqueTag('')}^Q01`];
      const rows = Array.from({ length: 8 }, (_, i) =>
        messageRecord(sources[i % 2] as string, T0 + i * 10 + 1, {
          messageType: i % 4 === 3 ? 'ADT^A01' : type,
          status: i < 5 ? 'staged' : 'ingested',
          ...(i % 3 !== 1 ? { patientId } : {}),
        }),
      );
      for (const r of [...rows].reverse()) await catalog().putMessage(r);
      return { rows, sources, patientId, type };
    }
    const at = (rows: MessageRecord[], i: number): string => (rows[i] as MessageRecord).receivedAt;

    it('filters by messageType alone, across sources, page by page', async () => {
      const { rows, type } = await seed();
      const { items } = await allMessages(catalog(), { messageType: type, limit: 1 });
      expect(ids(items)).toEqual(ids(rows.filter((r) => r.messageType === type)));
    });

    it('combines patientId with a time range, page by page', async () => {
      const { rows, patientId } = await seed();
      const { items } = await allMessages(catalog(), { patientId, since: at(rows, 2), until: at(rows, 7), limit: 1 });
      expect(ids(items)).toEqual(ids(rows.slice(2, 7).filter((r) => r.patientId === patientId)));
    });

    it('combines several sources, status and a time range, page by page', async () => {
      const { rows, sources } = await seed();
      const { items } = await allMessages(catalog(), { source: sources, status: 'staged', since: at(rows, 1), until: at(rows, 6), limit: 2 });
      expect(ids(items)).toEqual(ids(rows.slice(1, 5)));
    });

    it('combines source, messageType and patientId', async () => {
      const { rows, sources, patientId, type } = await seed();
      const { items } = await allMessages(catalog(), { source: sources[0], messageType: type, patientId });
      expect(ids(items)).toEqual(ids(rows.filter((r) => r.source === sources[0] && r.messageType === type && r.patientId === patientId)));
    });

    it('filters by controlId (MSH-10) exactly, with a source and page by page', async () => {
      const sources = [uniqueTag('srcA-'), uniqueTag('srcB-')];
      const controlId = uniqueTag('CTL-');
      const tagged = Array.from({ length: 7 }, (_, i) =>
        messageRecord(sources[i % 2] as string, T0 + i * 10 + 3, { controlId: i % 3 === 0 ? controlId : `${controlId}X` }),
      );
      for (const r of tagged) await catalog().putMessage(r);
      const { items } = await allMessages(catalog(), { controlId, limit: 1 });
      expect(ids(items)).toEqual(ids(tagged.filter((r) => r.controlId === controlId)));
      const bySource = await allMessages(catalog(), { source: sources[1], controlId });
      expect(ids(bySource.items)).toEqual(ids(tagged.filter((r) => r.controlId === controlId && r.source === sources[1])));
    });

    it('bounds time ranges to the millisecond', async () => {
      const { rows, sources } = await seed();
      const t = Date.parse(at(rows, 3));
      expect(at(rows, 3)).toMatch(/\.\d{3}Z$/);
      expect(ids((await allMessages(catalog(), { source: sources, since: iso(t) })).items)).toEqual(ids(rows.slice(3)));
      expect(ids((await allMessages(catalog(), { source: sources, since: iso(t + 1) })).items)).toEqual(ids(rows.slice(4)));
      expect(ids((await allMessages(catalog(), { source: sources, until: iso(t) })).items)).toEqual(ids(rows.slice(0, 3)));
      expect(ids((await allMessages(catalog(), { source: sources, until: iso(t + 1) })).items)).toEqual(ids(rows.slice(0, 4)));
    });

    it('matches nothing with an empty source list (a reader allowed no source sees nothing)', async () => {
      const { patientId, type } = await seed();
      const page = await catalog().listMessages({ source: [], patientId });
      expect(page.items).toEqual([]);
      expect(page.cursor).toBeUndefined();
      expect((await allMessages(catalog(), { source: [], messageType: type })).items).toEqual([]);
    });

    it('finds nothing outside the range: before the first row, after the last, or an inverted range', async () => {
      const { rows, sources } = await seed();
      expect((await allMessages(catalog(), { source: sources, until: at(rows, 0) })).items).toEqual([]);
      expect((await allMessages(catalog(), { source: sources, since: iso(Date.parse(at(rows, 7)) + 1) })).items).toEqual([]);
      expect((await allMessages(catalog(), { source: sources, since: at(rows, 6), until: at(rows, 2) })).items).toEqual([]);
    });
  });

  describe('listErrors filter combinations', () => {
    const list = async (q: ErrorQuery): Promise<ErrorRecord[]> =>
      (await allPages((cursor) => catalog().listErrors(cursor === undefined ? q : { ...q, cursor }), q.limit)).items;

    it('keeps the order of a batch larger than one write round (30 rows) and pages through it', async () => {
      const m = messageRecord(uniqueTag('src-'), T0, { status: 'error' });
      await catalog().putMessage(m);
      const batch = Array.from({ length: 30 }, (_, i) =>
        errorRecord(m.messageId, 1, `CODE_${String(29 - i).padStart(2, '0')}`, iso(T0 + 100), { line: i + 1 }),
      );
      await catalog().putErrors(batch);
      expect(await list({ messageId: m.messageId, limit: 7 })).toEqual(batch);
    });

    it('combines source, code and since, page by page', async () => {
      const [sa, sb] = [uniqueTag('srcA-'), uniqueTag('srcB-')];
      const ms = [messageRecord(sa, T0), messageRecord(sa, T0 + 10), messageRecord(sb, T0 + 20)];
      for (const m of ms) await catalog().putMessage({ ...m, status: 'error' });
      const errs = ms.flatMap((m, i) => [
        errorRecord(m.messageId, 1, 'NO_MSH', iso(T0 + 1000 * (i + 1))),
        errorRecord(m.messageId, 1, 'TRUNCATED', iso(T0 + 1000 * (i + 1))),
        errorRecord(m.messageId, 2, 'NO_MSH', iso(T0 + 1000 * (i + 1) + 500)),
      ]);
      await catalog().putErrors(errs);
      const got = await list({ source: [sa, sb], code: 'NO_MSH', since: iso(T0 + 1500), limit: 1 });
      const expected = errs.filter((e) => e.code === 'NO_MSH' && e.at >= iso(T0 + 1500));
      expect(got.map((e) => `${e.messageId}/${e.attempt}`).sort()).toEqual(expected.map((e) => `${e.messageId}/${e.attempt}`).sort());
      expect(got).toHaveLength(5);
      expect(await list({ source: sa, code: 'TRUNCATED', since: iso(T0 + 2001) })).toEqual([]);
    });

    it('matches nothing with an empty source list', async () => {
      const m = messageRecord(uniqueTag('src-'), T0, { status: 'error' });
      await catalog().putMessage(m);
      await catalog().putErrors([errorRecord(m.messageId, 1, 'NO_MSH', iso(T0 + 1))]);
      expect(await list({ source: [], messageId: m.messageId })).toEqual([]);
    });

    it('refuses a since that is not an instant with ValidationError', async () => {
      await expect(catalog().listErrors({ source: uniqueTag('src-'), since: 'last week' })).rejects.toBeInstanceOf(ValidationError);
    });

    it('compares since as an instant, whatever the ISO spelling', async () => {
      const m = messageRecord(uniqueTag('src-'), T0, { status: 'error' });
      await catalog().putMessage(m);
      const e = errorRecord(m.messageId, 1, 'NO_MSH', iso(T0 + 2000));
      await catalog().putErrors([e]);
      const spelled = iso(T0 + 2000).replace('.000Z', 'Z');
      expect(spelled).not.toBe(e.at);
      expect(await list({ messageId: m.messageId, since: spelled })).toEqual([e]);
      expect(await list({ messageId: m.messageId, since: iso(T0 + 2000).replace('.000Z', '.001+00:00') })).toEqual([]);
    });

    it('combines messageId and since (a later attempt only)', async () => {
      const m = messageRecord(uniqueTag('src-'), T0, { status: 'error' });
      await catalog().putMessage(m);
      const [first, second] = [errorRecord(m.messageId, 1, 'NO_MSH', iso(T0 + 100)), errorRecord(m.messageId, 2, 'NO_MSH', iso(T0 + 60_000))];
      await catalog().putErrors([first]);
      await catalog().putErrors([second]);
      expect(await list({ messageId: m.messageId, since: iso(T0 + 101) })).toEqual([second]);
      expect(await list({ messageId: m.messageId, since: iso(T0 + 100) })).toEqual([first, second]);
    });
  });
}
