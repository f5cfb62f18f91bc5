import { createHash } from 'node:crypto';
import { ValidationError } from '@hcdl/lake';
import { QueryParameterError } from './errors';

/**
 * Opaque paging cursors. A cursor carries the position (which patient of a merged family,
 * the catalog's own cursor) and a fingerprint of the filters it was made for, so a cursor
 * passed with other filters, or edited, is refused with a 400 instead of paging wrongly.
 */
export interface CursorState {
  /** Index into the list of patients being paged (0 when the query has no patient). */
  p: number;
  /** The catalog's cursor inside that patient's (or the query's) rows. */
  c?: string;
}

/** A short stable hash of the filters a list was asked with (order-independent). */
export function fingerprint(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(filters)
      .sort()
      .map((k) => [k, filters[k] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(fp: string, state: CursorState): string {
  return Buffer.from(JSON.stringify({ f: fp, ...state })).toString('base64url');
}

export function decodeCursor(fp: string, text: string | undefined): CursorState {
  if (text === undefined) return { p: 0 };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (err) {
    throw new QueryParameterError('cursor', 'cursor is not one this API gave', { cause: err });
  }
  const v = value as { f?: unknown; p?: unknown; c?: unknown } | null;
  if (v === null || typeof v !== 'object' || typeof v.p !== 'number' || !Number.isInteger(v.p) || v.p < 0 || (v.c !== undefined && typeof v.c !== 'string')) {
    throw new QueryParameterError('cursor', 'cursor is not one this API gave');
  }
  if (v.f !== fp) throw new QueryParameterError('cursor', 'cursor was given for other filters: repeat the query it came from');
  return v.c === undefined ? { p: v.p } : { p: v.p, c: v.c };
}

/**
 * Runs a catalog listing with the inner cursor of a decoded cursor: a cursor whose
 * fingerprint is right but whose inner position was edited is the caller's error (400 on
 * `cursor`), not a failure of the lake.
 */
export async function withInnerCursor<T>(hasCursor: boolean, list: () => Promise<T>): Promise<T> {
  try {
    return await list();
  } catch (err) {
    if (hasCursor && err instanceof ValidationError) throw new QueryParameterError('cursor', 'cursor is not one this API gave', { cause: err });
    throw err;
  }
}
