import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ResourceConflictError, ValidationError } from '../errors';
import { refinedKey } from '../refined';
import { eventIdOf } from '../resource-store-policy';
import { type ChangeFeed, ResourceChange, type ResourceStore, type ResourceVersion, type SearchFields } from '../ports/resource-store';
import { settleAll, uniqueTag } from './support';

export interface ResourceStoreHarness {
  store: ResourceStore;
  /** The change feed over the same data, when the adapter has one. */
  feed?: ChangeFeed;
  close?: () => Promise<void>;
}

export type ResourceStoreFactory = () => Promise<ResourceStoreHarness>;

const T0 = Date.parse('2024-05-01T10:00:00Z');

/** A version as the refine use-case makes it (body: the resource JSON with its meta). */
export function versionFixture(
  resourceType: string,
  id: string,
  versionId: number,
  options: { change?: ResourceVersion['change']; source?: string; messageId?: string; content?: string; eventTime?: number } = {},
): ResourceVersion {
  const change = options.change ?? (versionId === 1 ? ResourceChange.Create : ResourceChange.Update);
  const lastUpdated = new Date(T0 + versionId * 1000).toISOString();
  const v: ResourceVersion = {
    resourceType,
    id,
    versionId,
    change,
    lastUpdated,
    messageId: options.messageId ?? `M${versionId}`,
    source: options.source ?? 'src-a',
    key: refinedKey(resourceType, id, versionId),
    contentHash: options.content ?? `h${versionId}`,
  };
  if (versionId > 1) v.previousVersionId = versionId - 1;
  if (options.eventTime !== undefined) v.eventTime = options.eventTime;
  if (change !== ResourceChange.Delete)
    v.body = JSON.stringify({ resourceType, id, meta: { versionId: String(versionId), lastUpdated }, note: options.content ?? `h${versionId}` });
  return v;
}

/**
 * Contract of the ResourceStore port (and of ChangeFeed when the harness has one). Ids and
 * sources are random per test; the outbox and feed checks look only at their own resources,
 * so a factory may share one store between tests.
 */
export function resourceStoreContract(name: string, factory: ResourceStoreFactory): void {
  describe(`ResourceStore contract: ${name}`, () => {
    let h: ResourceStoreHarness;
    let tag: string;
    beforeEach(async () => {
      h = await factory();
      tag = uniqueTag('r');
    });
    afterEach(async () => {
      await h.close?.();
    });
    const store = (): ResourceStore => h.store;
    const id = (n: string): string => `${tag}-${n}`;
    const commit = (v: ResourceVersion, search: SearchFields = {}) => store().commit({ version: v, search });
    const own = (versions: readonly ResourceVersion[]) => versions.filter((v) => v.id.startsWith(`${tag}-`));

    describe('versions', () => {
      it('commits a first version: current, by number, in the history, pending with its body', async () => {
        const v1 = versionFixture('Patient', id('p'), 1, { eventTime: T0 });
        await commit(v1);
        expect(await store().current('Patient', id('p'))).toEqual(v1);
        expect(await store().version('Patient', id('p'), 1)).toEqual(v1);
        expect(await store().version('Patient', id('p'), 2)).toBeUndefined();
        expect(await store().current('Patient', id('nobody'))).toBeUndefined();
        expect((await store().history('Patient', id('p'))).items).toEqual([v1]);
        expect(own(await store().pending(1000))).toEqual([v1]);
      });

      it('keeps the history newest first, paged', async () => {
        for (let v = 1; v <= 5; v++) await commit(versionFixture('Observation', id('o'), v));
        const first = await store().history('Observation', id('o'), { limit: 2 });
        expect(first.items.map((v) => v.versionId)).toEqual([5, 4]);
        const second = await store().history('Observation', id('o'), { limit: 2, cursor: first.cursor as string });
        expect(second.items.map((v) => v.versionId)).toEqual([3, 2]);
        const third = await store().history('Observation', id('o'), { limit: 2, cursor: second.cursor as string });
        expect(third.items.map((v) => v.versionId)).toEqual([1]);
        expect(third.cursor).toBeUndefined();
        expect((await store().current('Observation', id('o')))?.versionId).toBe(5);
      });

      it('refuses a version that does not follow the current one (ResourceConflictError)', async () => {
        await commit(versionFixture('Patient', id('p'), 1));
        await expect(commit(versionFixture('Patient', id('p'), 1))).rejects.toBeInstanceOf(ResourceConflictError);
        await expect(commit(versionFixture('Patient', id('p'), 3))).rejects.toBeInstanceOf(ResourceConflictError);
        await expect(commit(versionFixture('Patient', id('q'), 2))).rejects.toBeInstanceOf(ResourceConflictError);
        expect((await store().current('Patient', id('p')))?.versionId).toBe(1);
      });

      it('lets one of two concurrent writers of the same version win', async () => {
        await commit(versionFixture('Patient', id('p'), 1));
        const { fulfilled, rejected } = await settleAll([
          commit(versionFixture('Patient', id('p'), 2, { content: 'a' })),
          commit(versionFixture('Patient', id('p'), 2, { content: 'b' })),
        ]);
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        expect(rejected[0]).toBeInstanceOf(ResourceConflictError);
        expect((await store().history('Patient', id('p'))).items.map((v) => v.versionId)).toEqual([2, 1]);
      });

      it('refuses malformed versions (ValidationError)', async () => {
        const bad: ResourceVersion[] = [
          { ...versionFixture('Patient', id('p'), 1), key: 'refined/fhir/Patient/other/1.json' },
          { ...versionFixture('Patient', id('p'), 1), resourceType: 'patient', key: `refined/fhir/patient/${id('p')}/1.json` },
          { ...versionFixture('Patient', id('p'), 1, { change: ResourceChange.Delete }), body: '{}' },
          { ...versionFixture('Patient', id('p'), 1), body: undefined } as unknown as ResourceVersion,
          { ...versionFixture('Patient', id('p'), 2), previousVersionId: undefined } as unknown as ResourceVersion,
        ];
        for (const v of bad) await expect(commit(v)).rejects.toBeInstanceOf(ValidationError);
        expect(await store().current('Patient', id('p'))).toBeUndefined();
      });

      it('keeps a delete as a tombstone version, and a later version re-creates the resource', async () => {
        await commit(versionFixture('Encounter', id('e'), 1), { tokens: { identifier: ['V:1'] } });
        const gone = versionFixture('Encounter', id('e'), 2, { change: ResourceChange.Delete });
        await commit(gone);
        expect(await store().current('Encounter', id('e'))).toEqual(gone);
        expect(
          (
            await store().search({ resourceType: 'Encounter', criteria: [{ kind: 'token', name: 'identifier', anyOf: ['V:1'] }], sources: ['src-a'] })
          ).items.filter((v) => v.id === id('e')),
        ).toEqual([]);
        const again = versionFixture('Encounter', id('e'), 3, { change: ResourceChange.Create });
        await commit(again, { tokens: { identifier: ['V:1'] } });
        expect((await store().current('Encounter', id('e')))?.change).toBe('create');
      });
    });

    describe('sources', () => {
      it('records the source of every version and of messages that made the same content', async () => {
        await commit(versionFixture('Patient', id('p'), 1, { source: `${tag}b` }));
        await commit(versionFixture('Patient', id('p'), 2, { source: `${tag}a` }));
        await store().addSource('Patient', id('p'), { source: `${tag}c`, messageId: 'M9' });
        await store().addSource('Patient', id('p'), { source: `${tag}c`, messageId: 'M10' });
        expect(await store().sourcesOf('Patient', id('p'))).toEqual([`${tag}a`, `${tag}b`, `${tag}c`]);
        expect(await store().sourcesOf('Patient', id('none'))).toEqual([]);
      });
    });

    describe('search', () => {
      const day = (d: string): { low: number; high: number } => ({ low: Date.parse(`${d}T00:00:00Z`), high: Date.parse(`${d}T00:00:00Z`) + 86_400_000 });

      it('matches tokens (any of the values), ranges by FHIR prefixes, the type, and ANDs criteria', async () => {
        const src = `${tag}s`;
        await commit(versionFixture('Observation', id('o1'), 1, { source: src }), {
          tokens: { code: ['S:loinc|1', 'V:1'], patient: [`Patient/${id('p')}`] },
          ranges: { date: [day('2024-05-01')] },
        });
        await commit(versionFixture('Observation', id('o2'), 1, { source: src }), {
          tokens: { code: ['S:loinc|2', 'V:2'], patient: [`Patient/${id('p')}`] },
          ranges: { date: [day('2024-05-03')] },
        });
        await commit(versionFixture('Condition', id('c1'), 1, { source: src }), { tokens: { patient: [`Patient/${id('p')}`] } });
        const ids = async (q: Parameters<ResourceStore['search']>[0]) =>
          (await store().search({ ...q, sources: [src] })).items.map((v) => `${v.resourceType}/${v.id}`);
        const patient = { kind: 'token', name: 'patient', anyOf: [`Patient/${id('p')}`] } as const;
        expect(await ids({ resourceType: 'Observation', criteria: [{ kind: 'token', name: 'code', anyOf: ['V:2', 'V:9'] }] })).toEqual([
          `Observation/${id('o2')}`,
        ]);
        expect(await ids({ criteria: [patient] })).toEqual([`Condition/${id('c1')}`, `Observation/${id('o1')}`, `Observation/${id('o2')}`]);
        const may2 = day('2024-05-02');
        expect(await ids({ resourceType: 'Observation', criteria: [{ kind: 'range', name: 'date', op: 'ge', ...may2 }] })).toEqual([`Observation/${id('o2')}`]);
        expect(await ids({ resourceType: 'Observation', criteria: [{ kind: 'range', name: 'date', op: 'lt', ...may2 }] })).toEqual([`Observation/${id('o1')}`]);
        expect(await ids({ resourceType: 'Observation', criteria: [{ kind: 'range', name: 'date', op: 'eq', ...day('2024-05-03') }] })).toEqual([
          `Observation/${id('o2')}`,
        ]);
        expect(await ids({ resourceType: 'Observation', criteria: [{ kind: 'range', name: 'date', op: 'eq', ...may2 }] })).toEqual([]);
        expect(await ids({ resourceType: 'Observation', criteria: [patient, { kind: 'token', name: 'code', anyOf: ['V:1'] }] })).toEqual([
          `Observation/${id('o1')}`,
        ]);
      });

      it('searches current versions only: an update replaces the search values', async () => {
        const src = `${tag}s`;
        await commit(versionFixture('Patient', id('p'), 1, { source: src }), { tokens: { identifier: ['V:old'] } });
        await commit(versionFixture('Patient', id('p'), 2, { source: src }), { tokens: { identifier: ['V:new'] } });
        const find = async (v: string) =>
          (await store().search({ resourceType: 'Patient', criteria: [{ kind: 'token', name: 'identifier', anyOf: [v] }], sources: [src] })).items;
        expect(await find('V:old')).toEqual([]);
        expect((await find('V:new')).map((v) => v.versionId)).toEqual([2]);
      });

      it('finds only resources made by a message of one of the given sources', async () => {
        await commit(versionFixture('Patient', id('p1'), 1, { source: `${tag}a` }), { tokens: { identifier: [`V:${tag}`] } });
        await commit(versionFixture('Patient', id('p2'), 1, { source: `${tag}b` }), { tokens: { identifier: [`V:${tag}`] } });
        await store().addSource('Patient', id('p2'), { source: `${tag}c`, messageId: 'M3' });
        const q = (sources?: string[]) =>
          store().search({ resourceType: 'Patient', criteria: [{ kind: 'token', name: 'identifier', anyOf: [`V:${tag}`] }], ...(sources ? { sources } : {}) });
        expect((await q([`${tag}a`])).items.map((v) => v.id)).toEqual([id('p1')]);
        expect((await q([`${tag}c`])).items.map((v) => v.id)).toEqual([id('p2')]);
        expect((await q([`${tag}z`])).items).toEqual([]);
        expect((await q()).items.map((v) => v.id)).toEqual([id('p1'), id('p2')]);
      });

      it('pages results in type and id order', async () => {
        const src = `${tag}s`;
        for (const n of ['d', 'a', 'c', 'b', 'e']) await commit(versionFixture('Patient', id(n), 1, { source: src }), { tokens: { identifier: [`V:${tag}`] } });
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store().search({
            resourceType: 'Patient',
            criteria: [{ kind: 'token', name: 'identifier', anyOf: [`V:${tag}`] }],
            sources: [src],
            limit: 2,
            ...(cursor ? { cursor } : {}),
          });
          seen.push(...page.items.map((v) => v.id));
          cursor = page.cursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'].map(id));
      });
    });

    describe('outbox', () => {
      it('holds committed versions in commit order until they are marked published', async () => {
        const a1 = versionFixture('Patient', id('a'), 1);
        const b1 = versionFixture('Encounter', id('b'), 1);
        const a2 = versionFixture('Patient', id('a'), 2);
        for (const v of [a1, b1, a2]) await commit(v);
        expect(own(await store().pending(1000)).map(eventIdOf)).toEqual([a1, b1, a2].map(eventIdOf));
        await store().markPublished([eventIdOf(b1), `Patient/${id('nobody')}/_history/1`]);
        expect(own(await store().pending(1000)).map(eventIdOf)).toEqual([a1, a2].map(eventIdOf));
        await store().markPublished([eventIdOf(a1), eventIdOf(a2), eventIdOf(a2)]);
        expect(own(await store().pending(1000))).toEqual([]);
        // published versions stay readable
        expect((await store().current('Patient', id('a')))?.versionId).toBe(2);
        expect((await store().version('Encounter', id('b'), 1))?.contentHash).toBe(b1.contentHash);
      });
    });

    describe('change feed', () => {
      it('lists every version in commit order from a position, by type and source', async () => {
        const feed = h.feed;
        if (feed === undefined) return;
        const start = await feed.changes({ types: ['Patient', 'Encounter'], sources: [`${tag}a`, `${tag}b`], limit: 1000 });
        expect(start.items).toEqual([]);
        const versions = [
          versionFixture('Patient', id('p'), 1, { source: `${tag}a` }),
          versionFixture('Encounter', id('e'), 1, { source: `${tag}b` }),
          versionFixture('Patient', id('p'), 2, { source: `${tag}a` }),
          versionFixture('Patient', id('q'), 1, { source: `${tag}c` }),
        ];
        for (const v of versions) await commit(v);
        const mine = { sources: [`${tag}a`, `${tag}b`, `${tag}c`] };
        const all = await feed.changes({ ...mine, limit: 1000 });
        expect(all.items.map((e) => eventIdOf(e.version))).toEqual(versions.map(eventIdOf));
        const positions = all.items.map((e) => e.position);
        expect(new Set(positions).size).toBe(positions.length);
        const after = await feed.changes({ ...mine, after: positions[1] as string, limit: 1000 });
        expect(after.items.map((e) => eventIdOf(e.version))).toEqual(versions.slice(2).map(eventIdOf));
        expect((await feed.changes({ ...mine, types: ['Encounter'], limit: 1000 })).items.map((e) => e.version.id)).toEqual([id('e')]);
        expect((await feed.changes({ sources: [`${tag}c`], limit: 1000 })).items.map((e) => e.version.id)).toEqual([id('q')]);
        const paged = await feed.changes({ ...mine, limit: 2 });
        expect(paged.items).toHaveLength(2);
        const rest = await feed.changes({ ...mine, after: paged.cursor as string, limit: 1000 });
        expect([...paged.items, ...rest.items].map((e) => eventIdOf(e.version))).toEqual(versions.map(eventIdOf));
      });
    });
  });
}
