/**
 * Test fixture for the read routes: the real SQLite catalog and folder object store of the
 * local runtime (imported by path: @hcdl/local depends on this package, not the reverse),
 * a temp data folder, and helpers to put messages, errors and patients in place.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stagingKey, type Claims, type MessageRecord } from '@hcdl/lake';
import { messageRecord } from '@hcdl/lake/testing';
import { createLocalAdapters, type LocalAdapters } from '../../../packages/local/src/adapters/local-adapters';
import { createQueryApi, type QueryApi, type QueryLogPort, type QueryResult } from '../src/index';

export const silent: QueryLogPort = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface Fixture {
  adapters: LocalAdapters;
  api: QueryApi;
  /** GET a path (with query string) as a caller with these claims; undefined claims = no token. */
  get(pathAndQuery: string, claims: Claims | undefined): Promise<QueryResult & { json: () => any }>;
  /** A message of `source` received at `ms`, in the catalog with its raw object. */
  message(source: string, ms: number, overrides?: Partial<MessageRecord>, raw?: string): Promise<MessageRecord>;
  /** Marks a message staged with a staging JSON document. */
  stage(record: MessageRecord, doc: unknown, structure?: string): Promise<MessageRecord>;
  close(): Promise<void>;
}

export const reader = (...sources: string[]): Claims => ({ sub: 'reader', 'custom:read': sources.join(',') });

export async function openFixture(): Promise<Fixture> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-query-'));
  const adapters = createLocalAdapters({ dataDir });
  const api = createQueryApi({ catalog: adapters.catalog, objectStore: adapters.objectStore, logger: silent });
  return {
    adapters,
    api,
    async get(pathAndQuery, claims) {
      const url = new URL(pathAndQuery, 'http://x');
      const r = await api.handle({ method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams.entries()), claims });
      return { ...r, json: () => JSON.parse(typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8')) };
    },
    async message(source, ms, overrides = {}, raw = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r') {
      const record = messageRecord(source, ms, { messageType: 'ADT^A01', ...overrides });
      await adapters.objectStore.put({ key: record.rawKey, body: raw, contentType: 'application/hl7-v2' });
      await adapters.catalog.putMessage(record);
      return record;
    },
    async stage(record, doc, structure = 'ADT_A01') {
      const key = stagingKey(record.source, structure, record.messageId);
      await adapters.objectStore.put({ key, body: JSON.stringify(doc), contentType: 'application/json', tags: { data_src: record.rawKey } });
      return adapters.catalog.updateMessage(record.messageId, { status: 'staged', stagingKey: key, structure, attempts: record.attempts + 1 });
    },
    async close() {
      await adapters.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
