/**
 * core-writer's parts on small in-memory ports: the new catalog row, paging through a
 * listing, replay/resume, and the error a missing lake object raises.
 */
import { describe, expect, it } from '@jest/globals';
import {
  applyMessagePatch,
  checkUpdatable,
  HubEventName,
  MessageStatus,
  newMessageId,
  type Catalog,
  type ErrorQuery,
  type ErrorRecord,
  type HubEvent,
  type MessageQuery,
  type MessageRecord,
  type ObjectStore,
} from '@hcdl/lake';
import { createCore, CoreWriterError, MissingLakeObjectError, type LogPort } from '../src/index';
import { messagePages } from '../src/message-pages';
import { newMessageRow } from '../src/message-row';

const quiet: LogPort = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const AT = '2026-01-02T03:04:05.000Z';

/** The catalog calls core-writer makes, over a Map (pages of `limit`, cursor = last id). */
function memoryCatalog(rows: MessageRecord[]): Catalog & { rows: Map<string, MessageRecord>; lists: number; errors: ErrorRecord[] } {
  const map = new Map(rows.map((r) => [r.messageId, r]));
  const self = {
    rows: map,
    lists: 0,
    errors: [] as ErrorRecord[],
    async putErrors(records: ErrorRecord[]) {
      self.errors.push(...records);
    },
    async listErrors(q: ErrorQuery) {
      return { items: self.errors.filter((e) => q.messageId === undefined || e.messageId === q.messageId) };
    },
    async getMessage(id: string) {
      return map.get(id);
    },
    async updateMessage(id: string, patch: Partial<MessageRecord>, expected?: MessageRecord['status']) {
      const next = applyMessagePatch(checkUpdatable(id, map.get(id), expected), patch);
      map.set(id, next);
      return next;
    },
    async listMessages(q: MessageQuery) {
      self.lists++;
      const all = [...map.values()].filter((r) => q.status === undefined || r.status === q.status).sort((a, b) => a.messageId.localeCompare(b.messageId));
      const from = q.cursor === undefined ? 0 : all.findIndex((r) => r.messageId === q.cursor) + 1;
      const items = all.slice(from, from + (q.limit ?? 100));
      const last = items[items.length - 1];
      return from + items.length < all.length && last !== undefined ? { items, cursor: last.messageId } : { items };
    },
  };
  return self as unknown as Catalog & { rows: Map<string, MessageRecord>; lists: number; errors: ErrorRecord[] };
}

/** An object store in memory holding the raw bytes of one message (what applyFailed reads), taking puts. */
function rawObjectStore(rawKey: string): ObjectStore {
  const objects = new Map<string, Uint8Array>([[rawKey, new TextEncoder().encode('MSH|x')]]);
  return {
    get: async (key: string) => (objects.has(key) ? { key, body: objects.get(key)!, size: 5, metadata: {}, tags: {}, lastModified: new Date() } : undefined),
    put: async (input: { key: string; body: Uint8Array | string }) =>
      void objects.set(input.key, typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body),
  } as unknown as ObjectStore;
}

const row = (id: string, status: MessageRecord['status']): MessageRecord => ({
  ...newMessageRow({ messageId: id, source: 'lab', rawKey: `raw/${id}.hl7`, contentHash: 'h', size: 3, at: AT }),
  status,
  attempts: 1,
});

describe('newMessageRow', () => {
  it('builds an ingested row with no attempt and only the optional fields that are defined', () => {
    const r = newMessageRow({
      messageId: 'M1',
      source: 'lab',
      rawKey: 'raw/M1.hl7',
      contentHash: 'abc',
      size: 12,
      at: AT,
      optional: { controlId: 'C1', batchId: undefined, batchIndex: 0 },
    });
    expect(r).toEqual({
      messageId: 'M1',
      source: 'lab',
      protocol: 'hl7v2',
      format: 'er7',
      status: 'ingested',
      receivedAt: AT,
      updatedAt: AT,
      contentHash: 'abc',
      size: 12,
      rawKey: 'raw/M1.hl7',
      attempts: 0,
      controlId: 'C1',
      batchIndex: 0,
    });
    expect('batchId' in r).toBe(false);
  });
});

describe('messagePages', () => {
  it('follows the cursor to the last page', async () => {
    const catalog = memoryCatalog(['A', 'B', 'C', 'D', 'E'].map((id) => row(id, MessageStatus.Error)));
    const pages: string[][] = [];
    for await (const rows of messagePages(catalog, { limit: 2 })) pages.push(rows.map((r) => r.messageId));
    expect(pages).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
  });
});

describe('replay and resume', () => {
  function core(catalog: Catalog, published: string[]) {
    const hub = { publish: async (e: HubEvent) => void published.push(`${e.attributes.event}:${e.body.messageId}`) };
    return createCore({ catalog, hub: hub as never, objectStore: {} as ObjectStore, logger: quiet, now: () => new Date(AT) });
  }

  it('replays every message in error across pages, once each, and leaves the others', async () => {
    const catalog = memoryCatalog([row('A', 'error'), row('B', 'staged'), row('C', 'error'), row('D', 'error')]);
    const published: string[] = [];
    const out = await core(catalog, published).replayErrors();
    expect(out).toEqual(['A', 'C', 'D'].map((messageId) => ({ messageId, outcome: 'replayed', attempt: 2 })));
    expect(published).toEqual(['ingested:A', 'ingested:C', 'ingested:D']);
    expect([...catalog.rows.values()].map((r) => r.status)).toEqual(['ingested', 'staged', 'ingested', 'ingested']);
  });

  it('answers not-found and not-in-error without publishing', async () => {
    const published: string[] = [];
    const c = core(memoryCatalog([row('B', 'staged')]), published);
    expect(await c.replay('Z')).toEqual({ messageId: 'Z', outcome: 'not-found' });
    expect(await c.replay('B')).toEqual({ messageId: 'B', outcome: 'not-in-error', status: 'staged' });
    expect(published).toEqual([]);
  });

  it('resume re-publishes ingested for every waiting row', async () => {
    const published: string[] = [];
    const n = await core(memoryCatalog([row('A', 'ingested'), row('B', 'staged'), row('C', 'ingested')]), published).resume();
    expect(n).toBe(2);
    expect(published).toEqual(['ingested:A', 'ingested:C']);
  });
});

describe('missing lake objects', () => {
  it('a staged event for an unknown message fails with MissingLakeObjectError naming only the id', async () => {
    const catalog = memoryCatalog([]);
    const c = createCore({ catalog, hub: { publish: async () => {} } as never, objectStore: {} as ObjectStore, logger: quiet });
    const event = { attributes: { event: HubEventName.Staged }, body: { messageId: 'M9', workKey: 'work/x' } } as unknown as HubEvent;
    const err = await c.applyStaged(event).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingLakeObjectError);
    expect(err).toBeInstanceOf(CoreWriterError);
    expect((err as Error).name).toBe('MissingLakeObjectError');
    expect((err as Error).message).toBe('catalog row missing for message M9');
  });
});

describe('repeated outcomes', () => {
  it('a `failed` event delivered twice records its diagnostics once', async () => {
    const id = newMessageId();
    const ingested = { ...row(id, 'ingested'), attempts: 0 };
    const catalog = memoryCatalog([ingested]);
    const c = createCore({
      catalog,
      hub: { publish: async () => {} } as never,
      objectStore: rawObjectStore(ingested.rawKey),
      logger: quiet,
      now: () => new Date(AT),
    });
    const failed = {
      attributes: { event: HubEventName.Failed },
      body: { messageId: id, attempt: 1, stage: 'parse', diagnostics: [{ code: 'NO_MSH', severity: 'error', message: 'no MSH segment' }] },
    } as unknown as HubEvent;
    await c.applyFailed(failed);
    const again = await c.applyFailed(failed);
    expect(catalog.errors.map((e) => [e.messageId, e.attempt, e.code])).toEqual([[id, 1, 'NO_MSH']]);
    expect(again).toMatchObject({ status: 'error', attempts: 1 });
  });
});

describe('a failed outcome retried after a crash', () => {
  it('records its diagnostics once when the first try stopped before the status update', async () => {
    const id = newMessageId();
    const ingested = { ...row(id, 'ingested'), attempts: 0 };
    const catalog = memoryCatalog([ingested]);
    const update = catalog.updateMessage.bind(catalog);
    let crashes = 1;
    catalog.updateMessage = async (...args: Parameters<Catalog['updateMessage']>) => {
      if (crashes-- > 0) throw new Error('connection reset');
      return update(...args);
    };
    const c = createCore({
      catalog,
      hub: { publish: async () => {} } as never,
      objectStore: rawObjectStore(ingested.rawKey),
      logger: quiet,
      now: () => new Date(AT),
    });
    const failed = {
      attributes: { event: HubEventName.Failed },
      body: { messageId: id, attempt: 1, stage: 'parse', diagnostics: [{ code: 'NO_MSH', severity: 'error', message: 'no MSH' }] },
    } as unknown as HubEvent;
    await expect(c.applyFailed(failed)).rejects.toThrow('connection reset');
    expect(catalog.rows.get(id)?.status).toBe('ingested');
    await c.applyFailed(failed);
    expect(catalog.errors.map((e) => [e.attempt, e.code])).toEqual([[1, 'NO_MSH']]);
    expect(catalog.rows.get(id)).toMatchObject({ status: 'error', attempts: 1 });
    // A later attempt (after a replay) adds its own rows.
    await update(id, { status: 'ingested' });
    await c.applyFailed({ ...failed, body: { ...failed.body, attempt: 2 } } as HubEvent);
    expect(catalog.errors.map((e) => [e.attempt, e.code])).toEqual([
      [1, 'NO_MSH'],
      [2, 'NO_MSH'],
    ]);
  });
});
