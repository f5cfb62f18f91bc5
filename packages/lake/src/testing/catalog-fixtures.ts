import { contentHash } from '../dedup';
import type { Catalog, MessageQuery, Page } from '../ports/catalog';
import type { ErrorRecord, MessageRecord } from '../records';
import { rawKey } from '../zones';
import { messageIdAt } from './support';

/** A base instant far from "now" so records of the suites never mix with live ids. */
export const T0 = Date.UTC(2031, 4, 6, 7, 8, 9, 0);

/** A fresh `ingested` record received at `ms` (its id encodes the same instant). */
export function messageRecord(source: string, ms: number, overrides: Partial<MessageRecord> = {}): MessageRecord {
  const messageId = messageIdAt(ms);
  const at = new Date(ms).toISOString();
  return {
    messageId,
    source,
    protocol: 'hl7v2',
    format: 'er7',
    status: 'ingested',
    receivedAt: at,
    updatedAt: at,
    contentHash: contentHash(messageId),
    size: 120,
    rawKey: rawKey(source, messageId),
    attempts: 0,
    ...overrides,
  };
}

export function errorRecord(messageId: string, attempt: number, code: string, at: string, overrides: Partial<ErrorRecord> = {}): ErrorRecord {
  return { messageId, attempt, stage: 'parse', severity: 'error', code, message: `diagnostic ${code}`, at, ...overrides };
}

/** Reads every page of a message query, checking that each page respects the limit. */
export async function allMessages(catalog: Catalog, query: MessageQuery, maxPages = 1000): Promise<{ items: MessageRecord[]; pages: number }> {
  return allPages((cursor) => catalog.listMessages(cursor === undefined ? query : { ...query, cursor }), query.limit, maxPages);
}

export async function allPages<T>(
  read: (cursor?: string) => Promise<Page<T>>,
  limit: number | undefined,
  maxPages = 1000,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await read(cursor);
    if (limit !== undefined && page.items.length > limit) throw new Error(`page of ${page.items.length} items exceeds limit ${limit}`);
    items.push(...page.items);
    if (page.cursor === undefined) return { items, pages };
    cursor = page.cursor;
  }
  throw new Error(`paging did not end after ${maxPages} pages`);
}

export const ids = (records: readonly { messageId: string }[]): string[] => records.map((r) => r.messageId);
