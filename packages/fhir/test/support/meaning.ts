/**
 * Compares our FHIR output with an expected bundle by meaning, ids ignored: for each resource
 * type in scope the same count, and for each pair matched by content the same identifiers
 * (system + value), names, codes (system + code), dates (instant + precision), quantities and
 * subject references resolving to the matched Patient. Supporting resources (Practitioner,
 * Organization, Location, Provenance, Account...) are converter-specific and are compared only
 * through the references of the resources in scope; the table lists them as not compared.
 */
type R = Record<string, unknown> & { resourceType: string; id?: string };

export const COMPARED_TYPES = [
  'Patient',
  'Encounter',
  'Observation',
  'DiagnosticReport',
  'Specimen',
  'ServiceRequest',
  'Immunization',
  'Appointment',
  'DocumentReference',
  'MedicationRequest',
  'MedicationAdministration',
  'AllergyIntolerance',
  'Condition',
  'Coverage',
  'Procedure',
] as const;

/** Identifier and code system spellings that mean the same authority or code system. */
export function normSystem(s: unknown): string {
  if (typeof s !== 'string') return '';
  const ns = /^(?:http:\/\/example\.com\/v2-to-fhir-converter\/Identifier\/|urn:hcdl:ns:)(.*)$/.exec(s);
  if (ns !== null) return `ns:${decodeURIComponent(ns[1] as string)}`;
  const cs = /^(?:http:\/\/example\.com\/v2-to-fhir-converter\/CodeSystem\/|urn:hcdl:cs:)(.*)$/.exec(s);
  if (cs !== null) return `cs:${decodeURIComponent(cs[1] as string)}`;
  return s;
}

/**
 * Authority aliases from the message, scoped to the identifier they qualify: the parts of the
 * one HD sent with an identifier (namespace, universal id, its type) name one assigning
 * authority for that identifier's value, whichever part a converter spells the system from
 * (FHIR-Converter spells it from HD.3 when HD.2 is not an OID; the IG from HD.1, else HD.2 by
 * its type). Keyed `<spelling>|<value>`, so an HD never aliases another identifier's authority.
 */
export type Aliases = ReadonlyMap<string, string>;

/** Universal id types (HL7 table 0301): a flat EI's fourth component is one of these. */
const HD_TYPES = new Set(['ISO', 'UUID', 'GUID', 'DNS', 'URI', 'CLIA', 'CLIP', 'HCD', 'HL7', 'L', 'M', 'N', 'x400', 'x500', 'Random', 'EUI64']);

const leaf = (x: unknown): string => (typeof x === 'string' ? x.trim() : '');

function addHd(out: Map<string, string>, value: string, hd: readonly unknown[]): void {
  const parts = hd.map(leaf).filter((p) => p !== '');
  if (value === '' || parts.length < 2) return;
  const canonical = `ns:${parts[0] as string}`;
  for (const p of parts) {
    if (!out.has(`ns:${p}|${value}`)) out.set(`ns:${p}|${value}`, canonical);
    if (/^[0-2](\.\d+)+$/.test(p) && !out.has(`urn:oid:${p}|${value}`)) out.set(`urn:oid:${p}|${value}`, canonical);
  }
}

export function authorityAliases(segments: readonly { fields: readonly (readonly (readonly unknown[])[] | undefined)[] }[]): Aliases {
  const out = new Map<string, string>();
  for (const seg of segments)
    for (const field of seg.fields)
      for (const rep of field ?? []) {
        const value = leaf(rep[0]);
        // CX: the value in component 1, its HD in component 4 (subcomponents).
        if (Array.isArray(rep[3])) addHd(out, value, rep[3] as unknown[]);
        // A flat EI: the value in component 1, the HD in components 2-4.
        else if (HD_TYPES.has(leaf(rep[3]))) addHd(out, value, [rep[1], rep[2], rep[3]]);
        // An EI inside one component (EIP parts, SPM-2): value & namespace & universal id & type.
        rep.forEach((c, i) => {
          if (i !== 3 && Array.isArray(c) && c.length >= 3) addHd(out, leaf(c[0]), (c as unknown[]).slice(1, 4));
        });
      }
  return out;
}

const WELL_KNOWN: Readonly<Record<string, string>> = {
  'ns:USSSA': 'http://hl7.org/fhir/sid/us-ssn',
  'ns:SSA': 'http://hl7.org/fhir/sid/us-ssn',
  'ns:NPI': 'http://hl7.org/fhir/sid/us-npi',
};

function identifiers(r: R, aliases: Aliases): string[] {
  const ids = [...((r.identifier as R[] | undefined) ?? []), ...(r.masterIdentifier !== undefined ? [r.masterIdentifier as R] : [])];
  // An identifier without a value (FHIR-Converter writes `{ type: FILL }` alone) identifies nothing.
  return ids
    .filter((i) => typeof i.value === 'string' && i.value.trim() !== '')
    .map((i) => {
      const sys = normSystem(i.system).replace(/^cs:/, 'ns:');
      const known = WELL_KNOWN[sys] ?? sys;
      const value = String(i.value);
      return `${aliases.get(`${known}|${value}`) ?? known}|${value}`;
    })
    .sort();
}

function names(r: R): string[] {
  return ((r.name as R[] | undefined) ?? [])
    .filter((n) => typeof n === 'object')
    .map((n) => `${String(n.family ?? '').toUpperCase()}|${((n.given as string[] | undefined) ?? []).join(' ').toUpperCase()}`)
    .sort();
}

const CODE_FIELDS = ['code', 'vaccineCode', 'medicationCodeableConcept', 'valueCodeableConcept'] as const;

function codes(r: R): string[] {
  const out: string[] = [];
  for (const f of CODE_FIELDS) {
    const cc = r[f] as R | undefined;
    for (const c of (cc?.coding as R[] | undefined) ?? []) if (c.code !== undefined) out.push(`${f}:${normSystem(c.system)}|${String(c.code)}`);
  }
  if (r.resourceType === 'Patient' && r.gender !== undefined) out.push(`gender:${String(r.gender)}`);
  return out.sort();
}

/** A date as (wall clock, precision); two are equal when their wall clocks or instants agree. */
function dateKey(v: unknown): { wall: string; ms: number | undefined; precision: number } | undefined {
  if (typeof v !== 'string') return undefined;
  const precision = v.length <= 10 ? v.length : 19;
  const ms = v.length > 10 ? Date.parse(v) : undefined;
  return { wall: v.slice(0, Math.min(v.length, 19)), ms, precision };
}

const DATE_FIELDS = [
  'birthDate',
  'effectiveDateTime',
  'occurrenceDateTime',
  'onsetDateTime',
  'authoredOn',
  'recordedDate',
  'performedDateTime',
  'issued',
] as const;

function dates(r: R): Record<string, ReturnType<typeof dateKey>> {
  const out: Record<string, ReturnType<typeof dateKey>> = {};
  for (const f of DATE_FIELDS) if (r[f] !== undefined) out[f] = dateKey(r[f]);
  const period = r.period as R | undefined;
  if (period?.start !== undefined) out['period.start'] = dateKey(period.start);
  return out;
}

/** The date element `k` (`period.start` reads inside period) as sent, or ''. */
function dateText(r: R, k: string): string {
  const v = k === 'period.start' ? (r.period as R | undefined)?.start : r[k];
  return typeof v === 'string' ? v : '';
}

function sameDate(a: ReturnType<typeof dateKey>, b: ReturnType<typeof dateKey>): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.precision !== b.precision) return false;
  return a.wall === b.wall || (a.ms !== undefined && a.ms === b.ms);
}

function quantity(r: R): string | undefined {
  const q = r.valueQuantity as R | undefined;
  return q === undefined ? undefined : `${String(q.value)}|${String(q.unit ?? q.code ?? '')}`;
}

function score(a: R, b: R, aliases: Aliases): number {
  const inter = (x: string[], y: string[]): number => x.filter((v) => y.includes(v)).length;
  const ia = identifiers(a, aliases);
  const ib = identifiers(b, aliases);
  const shared = inter(ia, ib);
  return (
    shared * 3 -
    // An identifier only one side has tells them apart (two results of one code, one identified).
    (ia.length + ib.length - 2 * shared) +
    inter(codes(a), codes(b)) * 2 +
    inter(names(a), names(b)) +
    (quantity(a) === quantity(b) ? 1 : 0)
  );
}

const eq = (a: string[], b: string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** One difference, with what each side has where the sets differ (for the table and the departures). */
export interface Difference {
  type: string;
  kind: 'count' | 'identifiers' | 'names' | 'codes' | 'dates' | 'quantity' | 'subject';
  /** The date element, for kind `dates`. */
  element?: string;
  /** Only in the expected resource (or the expected count). */
  expected: string[];
  /** Only in ours (or our count). */
  made: string[];
}

export interface SampleComparison {
  equal: boolean;
  /** The differences as short text (`Observation: 5 expected, 1 made`, `Patient[...]: names`). */
  differences: string[];
  details: Difference[];
  /** Expected resource types outside the compared scope (supporting resources), with counts. */
  notCompared: Record<string, number>;
}

const minus = (a: string[], b: string[]): string[] => a.filter((v) => !b.includes(v));

/**
 * Pairs expected and made resources of one type, best-scoring pairs first (ties in bundle
 * order), so that when the counts differ the resource left without a pair is the one that
 * resembles nothing, not whichever the other side's order reached last.
 */
function pairUp(expected: readonly R[], made: readonly R[], aliases: Aliases): Map<number, number> {
  const all: { e: number; g: number; s: number }[] = [];
  expected.forEach((e, ei) => {
    made.forEach((g, gi) => {
      all.push({ e: ei, g: gi, s: score(e, g, aliases) });
    });
  });
  all.sort((a, b) => b.s - a.s || a.e - b.e || a.g - b.g);
  const pairs = new Map<number, number>();
  const taken = new Set<number>();
  for (const p of all) {
    if (pairs.has(p.e) || taken.has(p.g)) continue;
    pairs.set(p.e, p.g);
    taken.add(p.g);
  }
  return pairs;
}

export function compareBundles(expected: readonly R[], ours: readonly R[], aliases: Aliases = new Map()): SampleComparison {
  const differences: string[] = [];
  const details: Difference[] = [];
  const notCompared: Record<string, number> = {};
  const scope = new Set<string>(COMPARED_TYPES);
  for (const r of expected) if (!scope.has(r.resourceType)) notCompared[r.resourceType] = (notCompared[r.resourceType] ?? 0) + 1;
  const patientMatch = new Map<string, string>();
  for (const type of COMPARED_TYPES) {
    const exp = expected.filter((r) => r.resourceType === type);
    const got = ours.filter((r) => r.resourceType === type && !(type === 'Patient' && r.active === false));
    const expAll = type === 'Patient' ? expected.filter((r) => r.resourceType === type) : exp;
    if (expAll.length !== got.length) {
      differences.push(`${type}: ${expAll.length} expected, ${got.length} made`);
      details.push({ type, kind: 'count', expected: [String(expAll.length)], made: [String(got.length)] });
    }
    const pairs = pairUp(expAll, got, aliases);
    for (const [i, e] of expAll.entries()) {
      const g = got[pairs.get(i) ?? -1];
      if (g === undefined) continue;
      if (type === 'Patient' && e.id !== undefined && g.id !== undefined) patientMatch.set(`Patient/${e.id}`, `Patient/${g.id}`);
      const found: Difference[] = [];
      const set = (kind: Difference['kind'], a: string[], b: string[]): void => {
        if (!eq(a, b)) found.push({ type, kind, expected: minus(a, b), made: minus(b, a) });
      };
      set('identifiers', identifiers(e, aliases), identifiers(g, aliases));
      set('names', names(e), names(g));
      set('codes', codes(e), codes(g));
      const de = dates(e);
      const dg = dates(g);
      for (const k of Object.keys(de))
        if (!sameDate(de[k], dg[k])) found.push({ type, kind: 'dates', element: k, expected: [dateText(e, k)], made: [dateText(g, k)] });
      if (quantity(e) !== quantity(g)) found.push({ type, kind: 'quantity', expected: [String(quantity(e))], made: [String(quantity(g))] });
      const se = ((e.subject ?? e.patient ?? e.beneficiary) as R | undefined)?.reference as string | undefined;
      const sg = ((g.subject ?? g.patient ?? g.beneficiary) as R | undefined)?.reference as string | undefined;
      if (se !== undefined && se.startsWith('Patient/') && patientMatch.get(se) !== sg)
        found.push({ type, kind: 'subject', expected: [se], made: [String(sg)] });
      if (found.length > 0) {
        differences.push(
          `${type}[${codes(e)[0] ?? identifiers(e, aliases)[0] ?? ''}]: ${found.map((d) => (d.kind === 'dates' ? `dates(${d.element})` : d.kind)).join(', ')}`,
        );
        details.push(...found);
      }
    }
  }
  return { equal: differences.length === 0, differences, details, notCompared };
}
