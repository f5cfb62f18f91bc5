import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from './items';

/** One key range to read: a partition of the table or of a GSI, in ascending sort-key order. */
export interface Partition {
  index?: string;
  pkName: string;
  skName: string;
  pk: string;
  /** Only items whose sort key is strictly greater (the cursor of an ascending listing). */
  after?: string;
  /** Only items whose sort key is strictly less (the cursor of a descending listing). */
  before?: string;
  /** Only items whose sort key starts with this (ignored when `after` is set: see `accept`). */
  beginsWith?: string;
  /** Only items whose sort key is in [from, to] (inclusive, `to` exclusive with `toExclusive`; replaces `after`, `before` and `beginsWith`). */
  between?: { from?: string; to?: string; toExclusive?: boolean };
}

/** A DynamoDB filter on non-key attributes (`#name` / `:value` placeholders). */
export interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export interface OrderedQuery {
  partitions: Partition[];
  filter?: Filter;
  /** Client-side check on top of the filter (e.g. the item kind in a shared partition). */
  accept?: (item: Item) => boolean;
  /** Sort key used to merge partitions (and the cursor value). */
  orderKey: (item: Item) => string;
  limit: number;
  /** Newest (greatest sort key) first: partitions are read backwards and merged descending. */
  descending?: boolean;
}

export interface OrderedPage {
  items: Item[];
  /** Order key of the last item when more items follow. */
  next?: string;
}

/** Items read per request: filters drop some, so read a little more than a page. */
const READ_BATCH = 200;

/**
 * Reads up to `limit` matching items from several partitions merged in ascending order of
 * `orderKey` (descending with `descending`). Each partition is read from its `after` (or `before`) bound until it has limit+1 matches or
 * ends (DynamoDB applies Limit before the filter, so pages are followed), then the merged
 * list is cut: the (limit+1)-th item only says that another page exists.
 */
export async function orderedQuery(doc: DynamoDBDocumentClient, table: string, q: OrderedQuery): Promise<OrderedPage> {
  const want = q.limit + 1;
  const perPartition = await Promise.all(q.partitions.map((p) => readPartition(doc, table, p, q, want)));
  const sign = q.descending === true ? -1 : 1;
  const merged = perPartition.flat().sort((a, b) => sign * compare(q.orderKey(a), q.orderKey(b)));
  const items = merged.slice(0, q.limit);
  const last = items[items.length - 1];
  return merged.length > q.limit && last !== undefined ? { items, next: q.orderKey(last) } : { items };
}

async function readPartition(doc: DynamoDBDocumentClient, table: string, p: Partition, q: OrderedQuery, want: number): Promise<Item[]> {
  const names: Record<string, string> = { '#pk': p.pkName, ...(q.filter?.names ?? {}) };
  const values: Record<string, unknown> = { ':pk': p.pk, ...(q.filter?.values ?? {}) };
  let keyCondition = '#pk = :pk';
  if (p.between !== undefined) {
    const { from, to } = p.between;
    if (from !== undefined && to !== undefined && from > to) return [];
    names['#sk'] = p.skName;
    if (from !== undefined) values[':from'] = from;
    if (to !== undefined) values[':to'] = to;
    keyCondition += from !== undefined && to !== undefined ? ' AND #sk BETWEEN :from AND :to' : from !== undefined ? ' AND #sk >= :from' : ' AND #sk <= :to';
  } else if (p.after !== undefined) {
    names['#sk'] = p.skName;
    values[':after'] = p.after;
    keyCondition += ' AND #sk > :after';
  } else if (p.before !== undefined) {
    names['#sk'] = p.skName;
    values[':before'] = p.before;
    keyCondition += ' AND #sk < :before';
  } else if (p.beginsWith !== undefined) {
    names['#sk'] = p.skName;
    values[':prefix'] = p.beginsWith;
    keyCondition += ' AND begins_with(#sk, :prefix)';
  }
  const input: QueryCommandInput = {
    TableName: table,
    ...(p.index !== undefined ? { IndexName: p.index } : { ConsistentRead: true }),
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(q.filter !== undefined ? { FilterExpression: q.filter.expression } : {}),
    ScanIndexForward: q.descending !== true,
    Limit: Math.max(want, READ_BATCH),
  };
  const out: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand(start === undefined ? input : { ...input, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      // BETWEEN is inclusive: a descending cursor is the one bound left out here.
      if (p.between?.toExclusive === true && item[p.skName] === p.between.to) continue;
      if (q.accept === undefined || q.accept(item)) out.push(item);
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined && out.length < want);
  return out.slice(0, want);
}

/** Code-unit order (the sort keys here are ASCII ids, where it equals DynamoDB's byte order). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
