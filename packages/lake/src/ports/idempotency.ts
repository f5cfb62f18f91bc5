/**
 * Idempotency store port. It is Powertools' own persistence contract:
 * `BasePersistenceLayer` from `@aws-lambda-powertools/idempotency/persistence` holds key
 * hashing, expiry and validation; an adapter implements only the four record methods
 * (`_getRecord`, `_putRecord`, `_updateRecord`, `_deleteRecord`).
 * Local adapter: SQLite (packages/local); AWS: Powertools' DynamoDBPersistenceLayer.
 */
export type { BasePersistenceLayer as IdempotencyStore } from '@aws-lambda-powertools/idempotency/persistence';
