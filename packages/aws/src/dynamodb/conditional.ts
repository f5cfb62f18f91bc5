import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName } from '../errors';
import type { Item, Key } from './items';

export const isConditionFailed = (err: unknown): boolean => awsErrorName(err) === 'ConditionalCheckFailedException';

/**
 * Puts an item only when its key is new. Resolves true when this call created it, false
 * when an item with that key already existed (left unchanged).
 */
export async function putIfAbsent(doc: DynamoDBDocumentClient, table: string, item: Item): Promise<boolean> {
  try {
    await doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Strongly consistent read of one item. */
export async function getItem(doc: DynamoDBDocumentClient, table: string, key: Key): Promise<Item | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return out.Item;
}

/** Unconditional put (idempotent copies of a canonical item). */
export async function putItem(doc: DynamoDBDocumentClient, table: string, item: Item): Promise<void> {
  await doc.send(new PutCommand({ TableName: table, Item: item }));
}

/** Runs `work` over `items` with at most `width` calls in flight; rejects with the first failure. */
export async function forEachLimited<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
