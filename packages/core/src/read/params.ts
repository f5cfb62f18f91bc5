import { isPatientId, type ListOrder, MessageStatus, parseIdentifierKey } from '@hcdl/lake';
import { QueryParameterError } from './errors';

/** Query string parameters as both transports hand them over. */
export type QueryParams = Record<string, string | undefined>;

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** A plain string parameter, undefined when absent or empty. */
export function textOf(query: QueryParams, name: string): string | undefined {
  const v = query[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** `limit`: an integer 1..1000 (default 100). */
export function limitOf(query: QueryParams): number {
  const v = textOf(query, 'limit');
  if (v === undefined) return DEFAULT_LIMIT;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > MAX_LIMIT) throw new QueryParameterError('limit', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;

/**
 * Whether the parts of an ISO-8601 text name a real calendar instant: `Date.parse` rolls
 * `2024-02-30` over to March 1 and `T24:61` to the next day; those are refused instead.
 */
function isCalendarInstant(m: RegExpExecArray): boolean {
  const [year, month, day, hour = 0, minute = 0, second = 0, , offH = 0, offM = 0] = m
    .slice(1)
    .map((p) => (p === undefined || p === 'Z' ? undefined : Number(p)));
  if (year === undefined || month === undefined || day === undefined) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59 && offH <= 23 && offM <= 59;
}

/** An ISO-8601 instant with a date and a time (`since`, `until`), normalized to `toISOString()` form. */
export function instantOf(query: QueryParams, name: string): string | undefined {
  const v = textOf(query, name);
  if (v === undefined) return undefined;
  const m = ISO.exec(v);
  const t = m !== null && isCalendarInstant(m) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) throw new QueryParameterError(name, `${name} must be a real ISO-8601 date or instant (e.g. 2024-05-01T00:00:00Z)`);
  return new Date(t).toISOString();
}

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `source=a,b`: one or more source ids, each checked for shape. */
export function sourcesOfParam(query: QueryParams): string[] | undefined {
  const v = textOf(query, 'source');
  if (v === undefined) return undefined;
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = list.find((s) => !SOURCE.test(s));
  if (bad !== undefined || list.length === 0)
    throw new QueryParameterError('source', 'source must be comma-separated source ids (letters, digits, ".", "_", "-")');
  return [...new Set(list)];
}

const STATUSES: readonly string[] = Object.values(MessageStatus);

export function statusOf(query: QueryParams): MessageStatus | undefined {
  const v = textOf(query, 'status');
  if (v === undefined) return undefined;
  if (!STATUSES.includes(v)) throw new QueryParameterError('status', `status must be one of ${STATUSES.join(', ')}`);
  return v as MessageStatus;
}

/** `type`: MSH-9 as `CODE^EVENT` (e.g. `ADT^A01`), as the catalog records it. */
export function typeOf(query: QueryParams): string | undefined {
  const v = textOf(query, 'type');
  if (v === undefined) return undefined;
  if (!/^[A-Za-z0-9]{1,10}\^[A-Za-z0-9]{1,10}$/.test(v)) throw new QueryParameterError('type', 'type must be a message type as CODE^EVENT, e.g. ADT^A01');
  return v;
}

/** `controlId`: MSH-10 as sent (1-199 printable characters, matched exactly). */
export function controlIdOf(query: QueryParams): string | undefined {
  const v = textOf(query, 'controlId');
  if (v === undefined) return undefined;
  if (v.length > 199 || /[\u0000-\u001f|^~\\&]/.test(v)) throw new QueryParameterError('controlId', 'controlId must be an MSH-10 value without HL7 delimiters');
  return v;
}

export function patientOf(query: QueryParams): string | undefined {
  const v = textOf(query, 'patient');
  if (v === undefined) return undefined;
  if (!isPatientId(v)) throw new QueryParameterError('patient', 'patient must be a patient id (pat_ followed by 26 characters)');
  return v;
}

/** `sort=asc|desc`: the order of a list route, newest first (`desc`) unless asked. */
export function sortOf(query: QueryParams): ListOrder {
  const v = textOf(query, 'sort');
  if (v === undefined) return 'desc';
  if (v !== 'asc' && v !== 'desc') throw new QueryParameterError('sort', 'sort must be asc (oldest first) or desc (newest first, the default)');
  return v;
}

/** `code`: a diagnostic code (letters, digits, '_', '-', '.'). */
export function codeOf(query: QueryParams): string | undefined {
  const v = textOf(query, 'code');
  if (v === undefined) return undefined;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v)) throw new QueryParameterError('code', 'code must be a diagnostic code such as MISSING_SEGMENT');
  return v;
}

/** `identifier=authority#type#value` (URL-encode '#' as %23). */
export function identifierOf(query: QueryParams): string {
  const v = textOf(query, 'identifier');
  if (v === undefined) throw new QueryParameterError('identifier', 'identifier is required, as authority#type#value (encode # as %23)');
  if (parseIdentifierKey(v) === undefined)
    throw new QueryParameterError('identifier', 'identifier must be authority#type#value with a non-empty value (encode # as %23)');
  return v;
}

/** Rejects parameters a route does not know (a typo would otherwise silently widen a query). */
export function onlyParams(query: QueryParams, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (query[name] !== undefined && !allowed.includes(name))
      throw new QueryParameterError(name, `unknown parameter ${name}; this route takes ${allowed.join(', ')}`);
  }
}
