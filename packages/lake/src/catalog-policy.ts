import { CatalogConflictError, NotFoundError, ValidationError } from './errors';
import type { Page } from './ports/catalog';
import type { MessageRecord, MessageStatus } from './records';
import type { PatientConflictRecord, PatientLinkRecord, PatientOccurrenceRecord } from './patient-index/records';

/**
 * Rules every Catalog adapter applies the same way (SQLite, DynamoDB): page sizes, cursors,
 * time bounds, what a message patch may change, and the errors a write answers. Adapters do
 * only the I/O around them.
 */

/** Page size: 100 by default, a whole number between 1 and 1000. */
export function pageLimit(limit: number | undefined): number {
  const n = Math.trunc(limit ?? 100);
  return Number.isFinite(n) ? Math.min(Math.max(n, 1), 1000) : 100;
}

/**
 * Every item of a paged listing, page after page (the cursor is handled here): the one loop
 * every reader of a whole listing uses, e.g. `for await (const e of allItems((c) => catalog.listErrors({ messageId, cursor: c })))`.
 */
export async function* allPages<T>(list: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    yield page.items;
    cursor = page.cursor;
  } while (cursor !== undefined);
}

/** Every item of a paged listing, in order (see allPages). */
export async function* allItems<T>(list: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  for await (const items of allPages(list)) yield* items;
}

/** Every item of a paged listing collected in one array (for listings known to be small). */
export async function collectItems<T>(list: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of allPages(list)) out.push(...items);
  return out;
}

/** Opaque page cursor: the order key of the last item returned. */
export function encodePageCursor(orderKey: string): string {
  return Buffer.from(JSON.stringify({ after: orderKey }), 'utf8').toString('base64url');
}

/** The order key of a cursor from encodePageCursor; anything else is a ValidationError. */
export function decodePageCursor(cursor: string): string {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown } | null;
    if (typeof value?.after === 'string' && value.after !== '') return value.after;
  } catch {
    // falls through to the ValidationError below
  }
  throw new ValidationError('cursor is not a cursor of this listing');
}

/**
 * A time bound in the spelling `toISOString()` gives (the spelling of stored instants), so
 * that string comparison is instant comparison (`...:05Z` is `...:05.000Z`).
 */
export function queryInstant(value: string, name: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(`${name} is not an ISO instant`);
  return new Date(ms).toISOString();
}

/** A `string | string[]` filter as a list without repeats; undefined stays undefined. */
export function filterList(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : [...new Set(Array.isArray(value) ? value : [value])];
}

export type MessagePatch = Partial<Omit<MessageRecord, 'messageId' | 'source' | 'receivedAt'>>;

/** Fields a patch may not change (the port keeps them). */
const FIXED: ReadonlySet<string> = new Set(['messageId', 'source', 'receivedAt']);
/** Fields every row has: `undefined` in a patch leaves them as they are. */
const REQUIRED: ReadonlySet<string> = new Set(['protocol', 'format', 'status', 'updatedAt', 'contentHash', 'size', 'rawKey', 'attempts']);

/**
 * What a patch does: `set` the fields it gives a value, `remove` the optional fields it
 * gives `undefined`. Fixed fields are ignored; `undefined` on a required field changes nothing.
 */
export function planMessagePatch(patch: MessagePatch): { set: Record<string, unknown>; remove: string[] } {
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (FIXED.has(k)) continue;
    if (v !== undefined) set[k] = v;
    else if (!REQUIRED.has(k)) remove.push(k);
  }
  return { set, remove };
}

/** The row after a patch, by planMessagePatch's rules. */
export function applyMessagePatch(current: MessageRecord, patch: MessagePatch): MessageRecord {
  const { set, remove } = planMessagePatch(patch);
  const next: Record<string, unknown> = { ...current, ...set };
  for (const k of remove) delete next[k];
  return next as unknown as MessageRecord;
}

const withCause = (cause: unknown): { cause?: unknown } => (cause === undefined ? {} : { cause });

/** The errors a catalog write answers, worded the same by every adapter (message ids are ours, never PHI). */
export const catalogErrors = {
  exists: (messageId: string, cause?: unknown): CatalogConflictError => new CatalogConflictError(`message ${messageId} exists`, withCause(cause)),
  notFound: (messageId: string, cause?: unknown): NotFoundError => new NotFoundError(`message ${messageId} not found`, withCause(cause)),
  wrongStatus: (messageId: string, current: MessageStatus, expected: MessageStatus | undefined, cause?: unknown): CatalogConflictError =>
    new CatalogConflictError(`message ${messageId} is ${current}, not ${String(expected)}`, withCause(cause)),
} as const;

/** Throws the port's answer when `current` may not be updated (missing, or not in the expected status). */
export function checkUpdatable(messageId: string, current: MessageRecord | undefined, expected: MessageStatus | undefined): MessageRecord {
  if (current === undefined) throw catalogErrors.notFound(messageId);
  if (expected !== undefined && current.status !== expected) throw catalogErrors.wrongStatus(messageId, current.status, expected);
  return current;
}

/** The two patients of a link in a fixed order (A-B and B-A are one link). */
export function linkPair(record: Pick<PatientLinkRecord, 'patientId' | 'linkedPatientId'>): [string, string] {
  const { patientId: p, linkedPatientId: l } = record;
  return p < l ? [p, l] : [l, p];
}

const cmpText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The order of listPatientOccurrences: identifier, then source. */
export function occurrenceOrder(a: Pick<PatientOccurrenceRecord, 'identifier' | 'source'>, b: Pick<PatientOccurrenceRecord, 'identifier' | 'source'>): number {
  return cmpText(a.identifier, b.identifier) || cmpText(a.source, b.source);
}

/** The order of listPatientConflicts: `at`, then identifier, then source. */
export function conflictOrder(a: PatientConflictRecord, b: PatientConflictRecord): number {
  return cmpText(a.at, b.at) || occurrenceOrder(a, b);
}
