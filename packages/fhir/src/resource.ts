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

/** Drops undefined values, empty arrays and empty objects, so resources carry no empty elements. */
export function clean<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined || v === null || v === '') delete o[k];
    else if (Array.isArray(v) && v.length === 0) delete o[k];
    else if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) delete o[k];
  }
  return o;
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
