/**
 * HL7 DTM/DT/TS → FHIR date, dateTime and instant, keeping the precision and the offset sent
 * (IG data type map DTM[dateTime]). FHIR has no hour or minute precision: a time sent to the
 * hour or minute gets `:00` seconds. A time sent with no offset gets the context's default
 * offset (the sender's time zone), because FHIR requires one once a time is given.
 */
/** The grammar parseDtm reads (kept as the reference; see parseDtm). */
export const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

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

/** The n digits at `at` as a number, or -1 when one is not a digit. */
function digits(v: string, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

/**
 * Reads YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ] by hand (the same grammar as DTM above,
 * which documents it): dates are read many times a message and the regular expression with
 * its eight groups was a visible share of the conversion profile.
 */
export function parseDtm(v: string | undefined): ParsedDtm | undefined {
  if (v === undefined) return undefined;
  const s = v.length > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32) ? v.trim() : v;
  let end = s.length;
  let offset: string | undefined;
  if (end >= 9) {
    const sign = s.charCodeAt(end - 5);
    if (sign === 43 || sign === 45) {
      const oh = digits(s, end - 4, 2);
      const om = digits(s, end - 2, 2);
      if (oh < 0 || om < 0 || oh > 14 || om > 59) return undefined;
      offset = `${s.slice(end - 5, end - 2)}:${s.slice(end - 2)}`;
      end -= 5;
    }
  }
  const dot = s.indexOf('.');
  const body = dot >= 0 && dot < end ? dot : end;
  if (body !== 4 && body !== 6 && body !== 8 && body !== 10 && body !== 12 && body !== 14) return undefined;
  if (dot >= 0 && dot < end && (body !== 14 || end - dot - 1 < 1 || end - dot - 1 > 4 || digits(s, dot + 1, end - dot - 1) < 0)) return undefined;
  const y = digits(s, 0, 4);
  if (y <= 0) return undefined;
  const p: ParsedDtm = { year: s.slice(0, 4) };
  if (body >= 6) {
    const mo = digits(s, 4, 2);
    if (mo < 1 || mo > 12) return undefined;
    p.month = s.slice(4, 6);
    if (body >= 8) {
      const d = digits(s, 6, 2);
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      if (d < 1 || d > (DAYS[mo - 1] as number) || (mo === 2 && d === 29 && !leap)) return undefined;
      p.day = s.slice(6, 8);
    }
  }
  if (body >= 10) {
    const h = digits(s, 8, 2);
    if (h < 0 || h > 23) return undefined;
    p.hour = s.slice(8, 10);
  }
  if (body >= 12) {
    const mi = digits(s, 10, 2);
    if (mi < 0 || mi > 59) return undefined;
    p.minute = s.slice(10, 12);
  }
  if (body >= 14) {
    const se = digits(s, 12, 2);
    if (se < 0 || se > 59) return undefined;
    p.second = s.slice(12, 14);
  }
  if (dot >= 0 && dot < end) p.fraction = s.slice(dot + 1, end);
  if (offset !== undefined) p.offset = offset;
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
