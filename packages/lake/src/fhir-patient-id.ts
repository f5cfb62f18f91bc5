/*
 * The FHIR ids of patient index patients. No imports: the web console bundles this module
 * (`@hcdl/lake/fhir-patient-id`) for the browser.
 */

/**
 * The FHIR id of a patient of the patient index: `pat_<ULID>` becomes `pat-<ULID>` (FHIR ids
 * allow no `_`), so the Patient resource and the index name the same patient.
 */
export function fhirPatientId(patientId: string): string {
  return patientId.replace(/^pat_/, 'pat-');
}

/** The patient index id of a FHIR Patient id made by fhirPatientId (undefined for other ids). */
export function indexPatientId(fhirId: string): string | undefined {
  return /^pat-[0-9A-HJKMNP-TV-Z]{26}$/.test(fhirId) ? fhirId.replace(/^pat-/, 'pat_') : undefined;
}
