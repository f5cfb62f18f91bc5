/**
 * Test fixture for the read routes: the in-memory catalog and object store of
 * @hcdl/lake/testing (they pass the same contract suites as the SQLite/folder and
 * DynamoDB/S3 adapters), and helpers to put messages, errors and patients in place.
 */
import { stagingKey, type Claims, type LogPort, type MessageRecord } from '@hcdl/lake';
import { MemoryCatalog, MemoryObjectStore, messageRecord } from '@hcdl/lake/testing';
import { createQueryApi, type HttpResult, type QueryApi } from '../../src/index';

export const silent: LogPort = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface Fixture {
  adapters: { catalog: MemoryCatalog; objectStore: MemoryObjectStore };
  api: QueryApi;
  /** GET a path (with query string) as a caller with these claims; undefined claims = no token. */
  get(pathAndQuery: string, claims: Claims | undefined): Promise<HttpResult & { json: () => any }>;
  /** A message of `source` received at `ms`, in the catalog with its raw object. */
  message(source: string, ms: number, overrides?: Partial<MessageRecord>, raw?: string): Promise<MessageRecord>;
  /** Marks a message staged with a staging JSON document. */
  stage(record: MessageRecord, doc: unknown, structure?: string): Promise<MessageRecord>;
  close(): Promise<void>;
}

export const reader = (...sources: string[]): Claims => ({ sub: 'reader', 'custom:read': sources.join(',') });

export async function openFixture(): Promise<Fixture> {
  const adapters = { catalog: new MemoryCatalog(), objectStore: new MemoryObjectStore() };
  const api = createQueryApi({ catalog: adapters.catalog, objectStore: adapters.objectStore, logger: silent });
  return {
    adapters,
    api,
    async get(pathAndQuery, claims) {
      const url = new URL(pathAndQuery, 'http://x');
      const r = await api.handle({ method: 'GET', path: url.pathname, headers: {}, query: Object.fromEntries(url.searchParams.entries()), claims });
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
      adapters.catalog.messages.clear();
    },
  };
}
