/**
 * Contract test suites of the lake's ports, run against every adapter (local and AWS).
 * Each suite is a function that declares a jest `describe` block; call it at the top level
 * of a `*.test.ts` file with a factory that opens a fresh adapter (async) and says how to
 * close it. The suites never touch the file system and namespace their keys, sources and
 * patients with random tags, so a factory may reuse one bucket or table.
 *
 * @example
 * import { objectStoreContract, catalogContract, idempotencyContract, hubContract } from '@hcdl/lake/testing';
 *
 * objectStoreContract('folder', async () => {
 *   const dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-store-'));
 *   return { store: new FolderObjectStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
 * });
 *
 * catalogContract('sqlite', async () => {
 *   const db = new Database(':memory:');
 *   return { catalog: new SqliteCatalog(db), close: async () => db.close() };
 * });
 *
 * idempotencyContract('sqlite', async () => {
 *   const db = new Database(':memory:');
 *   return { store: new SqlitePersistenceLayer(db), close: async () => db.close() };
 * });
 *
 * hubContract('in-process', async () => {
 *   const hub = new InProcessHub({ maxAttempts: 3, backoffMs: 1 });
 *   return { hub, subscribe: (s) => hub.subscribe(s), settle: () => hub.idle(), close: () => hub.close() };
 * }, {
 *   maxAttempts: 3,
 *   deadLetters: (h) => (h.hub as InProcessHub).deadLetters,
 *   routes: [{ subscription: STAGING_SUBSCRIPTION, receives: ['ingested'] }],
 * });
 *
 * // A hub that publishes to SNS is checked on what it sends (no delivery in tests):
 * hubWireContract('sns', async () => {
 *   const sns = mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: '1' });
 *   return { hub: new SnsHub(new SNSClient({}), topicArn), sent: () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input) };
 * }, { routes: [{ subscription: STAGING_SUBSCRIPTION, receives: ['ingested'] }] });
 */
export * from './support';
export * from './object-store-contract';
export * from './catalog-fixtures';
export * from './catalog-contract';
export * from './idempotency-contract';
export * from './hub-fixtures';
export * from './hub-contract';
export * from './hub-wire-contract';
export * from './memory/index';
export * from './resource-store-contract';
export * from './audit-contract';
