import type { FhirResource } from '@hcdl/fhir';
import type { SearchFields, SearchRange } from '@hcdl/lake';
import { dateRange, periodRange } from './fhir-dates';

/**
 * The search parameters the lake indexes (FHIR R4 names and meanings) and how each is read
 * from a resource. Tokens are stored in three spellings so that `system|value`, `|value` (no
 * system) and `value` (any system) all match exactly: `S:<system>|<value>` and `V:<value>`.
 */
export const SearchParam = {
  Identifier: 'identifier',
  Patient: 'patient',
  Code: 'code',
  Date: 'date',
  LastUpdated: '_lastUpdated',
  Id: '_id',
} as const;
export type SearchParam = (typeof SearchParam)[keyof typeof SearchParam];

/** The element each type's `code` parameter reads (FHIR R4 `code`; Immunization's `vaccine-code`, under `code` here). */
export const CODE_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  Observation: ['code'],
  Condition: ['code'],
  Procedure: ['code'],
  AllergyIntolerance: ['code'],
  DiagnosticReport: ['code'],
  ServiceRequest: ['code'],
  Medication: ['code'],
  MedicationRequest: ['medicationCodeableConcept'],
  MedicationAdministration: ['medicationCodeableConcept'],
  Immunization: ['vaccineCode'],
};

/** The elements each type's `date` parameter reads (FHIR R4 `date` of that type). */
export const DATE_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  Observation: ['effectiveDateTime', 'effectivePeriod', 'effectiveInstant'],
  Encounter: ['period'],
  DiagnosticReport: ['effectiveDateTime', 'effectivePeriod'],
  Immunization: ['occurrenceDateTime'],
  Procedure: ['performedDateTime', 'performedPeriod'],
  Appointment: ['start'],
  AllergyIntolerance: ['recordedDate'],
  DocumentReference: ['date'],
  MedicationAdministration: ['effectiveDateTime', 'effectivePeriod'],
};

/** Elements that name the patient a resource is about (FHIR R4 `patient` parameters). */
const PATIENT_ELEMENTS = ['subject', 'patient', 'beneficiary'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Token spellings of a system and a value (see SearchParam). */
export function tokenValues(system: string | undefined, value: string): string[] {
  return [`S:${system ?? ''}|${value}`, `V:${value}`];
}

function identifierTokens(r: Json): string[] {
  const out: string[] = [];
  for (const i of [...list(r.identifier), ...list(r.masterIdentifier)]) {
    if (isObject(i) && typeof i.value === 'string') out.push(...tokenValues(typeof i.system === 'string' ? i.system : undefined, i.value));
  }
  return out;
}

function codeTokens(r: Json, type: string): string[] {
  const out: string[] = [];
  for (const element of CODE_ELEMENTS[type] ?? []) {
    for (const concept of list(r[element])) {
      if (!isObject(concept)) continue;
      for (const c of list(concept.coding))
        if (isObject(c) && typeof c.code === 'string') out.push(...tokenValues(typeof c.system === 'string' ? c.system : undefined, c.code));
    }
  }
  return out;
}

function patientRefs(r: Json, type: string): string[] {
  const refs: unknown[] = [];
  for (const e of PATIENT_ELEMENTS) refs.push(...list(r[e]));
  if (type === 'Appointment') for (const p of list(r.participant)) if (isObject(p)) refs.push(p.actor);
  if (type === 'Patient' && typeof r.id === 'string') refs.push({ reference: `Patient/${r.id}` });
  return refs.flatMap((ref) => (isObject(ref) && typeof ref.reference === 'string' && ref.reference.startsWith('Patient/') ? [ref.reference] : []));
}

function dateRanges(r: Json, type: string): SearchRange[] {
  const out: SearchRange[] = [];
  for (const element of DATE_ELEMENTS[type] ?? []) {
    const v = r[element];
    const range = typeof v === 'string' ? dateRange(v) : isObject(v) ? periodRange(v) : undefined;
    if (range !== undefined) out.push(range);
  }
  if (type === 'Appointment' && out.length === 1 && typeof r.end === 'string') {
    const end = dateRange(r.end);
    if (end !== undefined) (out[0] as SearchRange).high = Math.max((out[0] as SearchRange).high, end.high);
  }
  return out;
}

/** The search values of a resource version (its `meta.lastUpdated` is `lastUpdated`). */
export function searchFieldsOf(resource: FhirResource, lastUpdated: string): SearchFields {
  const r = resource as unknown as Json;
  const type = resource.resourceType;
  const updated = Date.parse(lastUpdated);
  return {
    tokens: { _id: [resource.id], identifier: identifierTokens(r), patient: patientRefs(r, type), code: codeTokens(r, type) },
    ranges: { date: dateRanges(r, type), _lastUpdated: [{ low: updated, high: updated + 1 }] },
  };
}
