import { createRequire } from 'node:module';

interface DynaliteValidation {
  types: Record<string, unknown>;
}

interface DynaliteDb {
  checkConditional(data: Record<string, unknown>, existingItem: unknown): (Error & { body?: Record<string, unknown> }) | null | undefined;
  __hcdlReturnOld?: boolean;
}

/**
 * Gives dynalite 4.0.0 DynamoDB's `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` (2023),
 * which it ignores: when a write asking for it fails its condition, the item it was checked
 * against is added as `Item` to the ConditionalCheckFailedException body, as DynamoDB does.
 * It wraps dynalite's own condition check, which runs under dynalite's item lock, so the
 * item returned is exactly the one the condition failed on. Powertools' idempotency layer
 * relies on it to tell "in progress" from "completed" at the moment of a conflict.
 * Applied once per process; it changes nothing for requests that do not ask for it.
 */
export function addReturnOldOnConditionFailure(): void {
  const require = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const db = require('./db') as DynaliteDb;
  if (db.__hcdlReturnOld === true) return;
  // dynalite drops request fields its validations do not declare: declare this one on the
  // writes that take a condition.
  for (const action of ['putItem', 'updateItem', 'deleteItem']) {
    (require(`./validations/${action}`) as DynaliteValidation).types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const check = db.checkConditional.bind(db);
  db.checkConditional = (data, existingItem) => {
    const err = check(data, existingItem);
    if (err?.body !== undefined && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existingItem !== undefined) err.body.Item = existingItem;
    return err;
  };
  db.__hcdlReturnOld = true;
}
