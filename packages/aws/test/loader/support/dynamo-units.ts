/**
 * DynamoDB request units of what the bundles send, at on-demand rules: table units as dynalite
 * reports them (ReturnConsumedCapacity: 1 write unit per started KB written, 1 read unit per
 * started 4 KB read strongly, half eventually), plus what dynalite does not report: the writes
 * of the global secondary indexes (projection ALL: every write of an item present in an index
 * writes the index too, and a change of its index key deletes the old entry and puts the new
 * one), and the write unit a failed conditional write is still billed.
 */
import { CATALOG_TABLE_SCHEMA } from '../../../src/dynamodb/catalog-schema';

export interface DynamoUnits {
  read: number;
  write: number;
}

type Item = Record<string, unknown>;

/** Size of an item as DynamoDB counts it (attribute names + values; numbers ~ their digits). */
export function itemBytes(item: Item | undefined): number {
  if (item === undefined) return 0;
  let n = 0;
  for (const [k, v] of Object.entries(item)) n += Buffer.byteLength(k, 'utf8') + valueBytes(v);
  return n;
}

function valueBytes(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') return Math.ceil(String(v).replace(/^-/, '').replace('.', '').length / 2) + 1;
  if (typeof v === 'boolean' || v === null || v === undefined) return 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + valueBytes(x), 0);
  if (typeof v === 'object') return 3 + itemBytes(v as Item);
  return 0;
}

export const writeUnitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/** Write units the catalog's GSIs take for one item going from `before` to `after` (either may be absent). */
export function gsiWriteUnits(before: Item | undefined, after: Item | undefined): number {
  let units = 0;
  for (const gsi of CATALOG_TABLE_SCHEMA.globalSecondaryIndexes) {
    const keyOf = (item: Item | undefined): string | undefined => {
      const pk = item?.[gsi.partitionKey];
      const sk = item?.[gsi.sortKey];
      return typeof pk === 'string' && typeof sk === 'string' ? `${pk}\u0000${sk}` : undefined;
    };
    const was = keyOf(before);
    const is = keyOf(after);
    if (was === undefined && is === undefined) continue;
    if (was !== undefined && is !== undefined && was === is) {
      if (JSON.stringify(before) !== JSON.stringify(after)) units += writeUnitsOf(itemBytes(after));
      continue;
    }
    if (was !== undefined) units += writeUnitsOf(itemBytes(before));
    if (is !== undefined) units += writeUnitsOf(itemBytes(after));
  }
  return units;
}

/** The table units a response reports (ConsumedCapacity, a list for batch calls). */
export function reportedUnits(output: unknown): number {
  const c = (output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] } | undefined)?.ConsumedCapacity;
  if (c === undefined) return 0;
  return (Array.isArray(c) ? c : [c]).reduce((s, x) => s + (x.CapacityUnits ?? 0), 0);
}

const READS = new Set(['GetCommand', 'GetItemCommand', 'QueryCommand', 'BatchGetCommand', 'BatchGetItemCommand', 'ScanCommand']);
export const isReadCommand = (name: string): boolean => READS.has(name);
const WRITES = new Set([
  'PutCommand',
  'PutItemCommand',
  'UpdateCommand',
  'UpdateItemCommand',
  'DeleteCommand',
  'DeleteItemCommand',
  'BatchWriteCommand',
  'BatchWriteItemCommand',
]);
export const isWriteCommand = (name: string): boolean => WRITES.has(name);

/** The catalog keys a document-client write touches (its Key, Item, or batch requests on `table`). */
export function writtenKeys(name: string, input: Record<string, unknown>, table: string): { pk: string; sk: string }[] {
  const key = (x: unknown): { pk: string; sk: string } | undefined => {
    const o = x as { pk?: unknown; sk?: unknown } | undefined;
    return typeof o?.pk === 'string' && typeof o.sk === 'string' ? { pk: o.pk, sk: o.sk } : undefined;
  };
  if (name === 'BatchWriteCommand') {
    const requests = ((input.RequestItems as Record<string, unknown[]> | undefined)?.[table] ?? []) as {
      PutRequest?: { Item: unknown };
      DeleteRequest?: { Key: unknown };
    }[];
    return requests.map((r) => key(r.PutRequest?.Item ?? r.DeleteRequest?.Key)).filter((k): k is { pk: string; sk: string } => k !== undefined);
  }
  if (input.TableName !== table) return [];
  const k = key(input.Item ?? input.Key);
  return k === undefined ? [] : [k];
}
