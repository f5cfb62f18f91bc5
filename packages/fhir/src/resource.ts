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
