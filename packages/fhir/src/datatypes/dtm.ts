/**
 * HL7 DTM/DT/TS → FHIR date, dateTime and instant, keeping the precision and the offset sent
 * (IG data type map DTM[dateTime]). FHIR has no hour or minute precision: a time sent to the
 * hour or minute gets `:00` seconds. A time sent with no offset gets the context's default
 * offset (the sender's time zone), because FHIR requires one once a time is given.
 */
const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

export interface ParsedDtm {
  year: string;
  month?: string;
  day?: string;
  hour?: string;
  minute?: string;
  second?: string;
  fraction?: string;
  /** `+hh:mm` / `-hh:mm` as sent, or undefined. */
  offset?: string;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function parseDtm(v: string | undefined): ParsedDtm | undefined {
  if (v === undefined) return undefined;
  const m = DTM.exec(v.trim());
  if (m === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = m;
  const p: ParsedDtm = { year: year as string };
  if (Number(year) === 0) return undefined;
  if (month !== undefined) {
    const mo = Number(month);
    if (mo < 1 || mo > 12) return undefined;
    p.month = month;
    if (day !== undefined) {
      const d = Number(day);
      const y = Number(year);
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      if (d < 1 || d > (DAYS[mo - 1] as number) || (mo === 2 && d === 29 && !leap)) return undefined;
      p.day = day;
    }
  }
  if (hour !== undefined) {
    if (Number(hour) > 23) return undefined;
    p.hour = hour;
  }
  if (minute !== undefined) {
    if (Number(minute) > 59) return undefined;
    p.minute = minute;
  }
  if (second !== undefined) {
    if (Number(second) > 59) return undefined;
    p.second = second;
  }
  if (fraction !== undefined) p.fraction = fraction;
  if (offset !== undefined) {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(3, 5));
    if (oh > 14 || om > 59) return undefined;
    p.offset = `${offset.slice(0, 3)}:${offset.slice(3, 5)}`;
  }
  return p;
}

/** FHIR `date`: the date part with the precision sent (YYYY, YYYY-MM, YYYY-MM-DD). */
export function toDate(v: string | undefined): string | undefined {
  const p = parseDtm(v);
  if (p === undefined) return undefined;
  return p.month === undefined ? p.year : p.day === undefined ? `${p.year}-${p.month}` : `${p.year}-${p.month}-${p.day}`;
}

/** FHIR `dateTime` with the precision sent; `defaultOffset` (`Z`, `+01:00`) when a time has none. */
export function toDateTime(v: string | undefined, defaultOffset: string): string | undefined {
  const p = parseDtm(v);
  if (p === undefined) return undefined;
  if (p.hour === undefined || p.day === undefined) return toDate(v);
  const frac = p.fraction !== undefined && p.second !== undefined ? `.${p.fraction}` : '';
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute ?? '00'}:${p.second ?? '00'}${frac}${p.offset ?? defaultOffset}`;
}

/** FHIR `instant`: needs a time; a date alone becomes midnight at the offset. */
export function toInstant(v: string | undefined, defaultOffset: string): string | undefined {
  const p = parseDtm(v);
  if (p === undefined || p.day === undefined) return undefined;
  if (p.hour === undefined) return `${p.year}-${p.month}-${p.day}T00:00:00${p.offset ?? defaultOffset}`;
  return toDateTime(v, defaultOffset);
}

/** Milliseconds since the epoch (for ordering messages); undefined when not a DTM. */
export function dtmEpoch(v: string | undefined, defaultOffset = 'Z'): number | undefined {
  const p = parseDtm(v);
  if (p === undefined) return undefined;
  const iso = `${p.year}-${p.month ?? '01'}-${p.day ?? '01'}T${p.hour ?? '00'}:${p.minute ?? '00'}:${p.second ?? '00'}${p.fraction !== undefined ? `.${p.fraction.padEnd(3, '0').slice(0, 3)}` : ''}${p.offset ?? defaultOffset}`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}
