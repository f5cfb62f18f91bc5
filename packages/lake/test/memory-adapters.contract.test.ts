/**
 * The in-memory adapters the use-case tests run on (@hcdl/lake/testing memory/) pass the same
 * contract suites as the folder/SQLite and S3/DynamoDB adapters, so a use-case test on them
 * says what it would say on a real store.
 */
import { auditTrailContract } from '../src/testing/audit-contract';
import { catalogContract } from '../src/testing/catalog-contract';
import { idempotencyContract } from '../src/testing/idempotency-contract';
import { MemoryAuditTrail, MemoryCatalog, MemoryObjectStore, MemoryPersistenceLayer } from '../src/testing/memory/index';
import { objectStoreContract } from '../src/testing/object-store-contract';

objectStoreContract('memory', async () => ({ store: new MemoryObjectStore() }));
catalogContract('memory', async () => ({ catalog: new MemoryCatalog() }));
idempotencyContract('memory', async () => ({ store: new MemoryPersistenceLayer() }));

auditTrailContract('memory', async () => ({ trail: new MemoryAuditTrail() }));
