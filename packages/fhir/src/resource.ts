/** The loose shape of the FHIR R4 JSON this package builds (validated in tests, not typed here). */
export interface FhirResource {
  resourceType: string;
  id: string;
  meta?: { source?: string; versionId?: string; lastUpdated?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Reference {
  reference: string;
  display?: string;
}

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
  version?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  use?: string;
  type?: CodeableConcept;
  system?: string;
  value?: string;
  period?: { start?: string; end?: string };
  assigner?: Reference | { display: string };
}

export type Json = Record<string, unknown>;

/**
 * A copy without undefined or null values, empty strings, empty arrays and empty objects, so
 * resources carry no empty elements. It builds a new object rather than deleting keys: objects
 * that lose properties fall into V8's slow dictionary mode, for every later read and for
 * JSON.stringify.
 */
export function clean<T extends Json>(o: T): T {
  const out: Json = {};
  for (const k in o) {
    const v = o[k];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'object') {
      if (Array.isArray(v)) {
        if (v.length === 0) continue;
      } else if (isEmpty(v as object)) continue;
    }
    out[k] = v;
  }
  return out as T;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

const identifierKey = (i: Identifier): string => `${i.system ?? ''}|${i.value ?? ''}|${i.type?.coding?.[0]?.code ?? ''}`;

/** Appends identifiers to a resource, leaving out any equal (system, value, type) to one it has. */
export function pushIdentifiers(r: FhirResource, ids: readonly Identifier[]): void {
  if (ids.length === 0) return;
  const list = (r.identifier as Identifier[] | undefined) ?? [];
  const seen = new Set(list.map(identifierKey));
  for (const id of ids) {
    const k = identifierKey(id);
    if (seen.has(k)) continue;
    seen.add(k);
    list.push(id);
  }
  if (list.length > 0) r.identifier = list;
}

/** Appends to the array element `key` of a resource, creating it when absent. */
export function append(r: Json, key: string, ...items: unknown[]): void {
  const list = r[key] as unknown[] | undefined;
  if (list === undefined) r[key] = items;
  else for (const item of items) list.push(item);
}
