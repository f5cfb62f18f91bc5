import type { SearchRange } from '@hcdl/lake';

/** Bounds of an interval open on one side (a Period without end): the edges of JavaScript dates. */
export const OPEN_LOW = -8_640_000_000_000_000;
export const OPEN_HIGH = 8_640_000_000_000_000;

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The interval a FHIR date, dateTime or instant stands for, by its precision: `2024` is the
 * whole year, `2024-05-01` the day, `2024-05-01T10:00:00+02:00` that second (its milliseconds,
 * when sent). A value without offset is read as UTC (dates have no zone in FHIR; the lake
 * reads them all the same way so that search is predictable). Undefined when malformed.
 */
export function dateRange(text: string): SearchRange | undefined {
  const m = DATE.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo) - 1;
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 0 || month > 11)) return undefined;
  if (day !== undefined && (day < 1 || day > new Date(Date.UTC(year, (month ?? 0) + 1, 0)).getUTCDate())) return undefined;
  if (h === undefined) {
    if (month === undefined) return { low: Date.UTC(year, 0, 1), high: Date.UTC(year + 1, 0, 1) };
    if (day === undefined) return { low: Date.UTC(year, month, 1), high: Date.UTC(year, month + 1, 1) };
    return { low: Date.UTC(year, month, day), high: Date.UTC(year, month, day + 1) };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = zone === undefined || zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const low = Date.UTC(year, month ?? 0, day ?? 1, hour, minute, second, ms) - offsetMinutes * 60_000;
  const width = frac !== undefined ? 1 : s !== undefined ? 1000 : 60_000;
  return { low, high: low + width };
}

/** The interval of a FHIR Period: from its start's beginning to its end's end, open where a bound is missing. */
export function periodRange(period: { start?: unknown; end?: unknown }): SearchRange | undefined {
  const start = typeof period.start === 'string' ? dateRange(period.start) : undefined;
  const end = typeof period.end === 'string' ? dateRange(period.end) : undefined;
  if (start === undefined && end === undefined) return undefined;
  return { low: start?.low ?? OPEN_LOW, high: end?.high ?? OPEN_HIGH };
}
