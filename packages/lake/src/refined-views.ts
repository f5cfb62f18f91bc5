/**
 * The SQL views over the refined zone, declared once for DuckDB (packages/local/src/query/
 * refined-views.ts) and Athena (infra/src/stacks/refined-glue-tables.ts): one view per
 * resource type, `fhir_<type>` (`fhir_patient`, `fhir_diagnostic_report`), holding the current
 * version of each resource that is not deleted, with the common columns typed and the whole
 * resource as JSON; and `fhir_versions`, every version of every type.
 */

/** The resource types the mapping (@hcdl/fhir) makes: the read API serves them and each has a view. */
export const FHIR_RESOURCE_TYPES = [
  'Account',
  'AllergyIntolerance',
  'Appointment',
  'Condition',
  'Coverage',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'Immunization',
  'Location',
  'Medication',
  'MedicationAdministration',
  'MedicationRequest',
  'MessageHeader',
  'Observation',
  'Organization',
  'Patient',
  'Practitioner',
  'Procedure',
  'Provenance',
  'RelatedPerson',
  'ServiceRequest',
  'Specimen',
] as const;

/** The tag a delete version's object carries (a tombstone: id and meta only). */
export const DELETED_TAG = { system: 'urn:hcdl:fhir:version', code: 'deleted' } as const;

/** The object written to the refined zone for a delete version: the resource's id and meta, tagged deleted. */
export function tombstoneOf(v: { resourceType: string; id: string; versionId: number; lastUpdated: string; messageId: string }): string {
  return JSON.stringify({
    resourceType: v.resourceType,
    id: v.id,
    meta: { versionId: String(v.versionId), lastUpdated: v.lastUpdated, source: `urn:hcdl:message:${v.messageId}`, tag: [DELETED_TAG] },
  });
}

export type RefinedColumnType = 'VARCHAR' | 'INTEGER' | 'TIMESTAMPTZ' | 'BOOLEAN' | 'JSON';

/** The columns of every `fhir_<type>` view, in order (`fhir_versions` adds resource_type and deleted). */
export const REFINED_VIEW_COLUMNS: readonly { name: string; type: RefinedColumnType; description: string }[] = [
  { name: 'id', type: 'VARCHAR', description: 'resource id' },
  { name: 'version_id', type: 'INTEGER', description: 'meta.versionId' },
  { name: 'last_updated', type: 'TIMESTAMPTZ', description: 'meta.lastUpdated: when the version was made' },
  { name: 'message_id', type: 'VARCHAR', description: 'the message that made the version (meta.source)' },
  { name: 'patient_id', type: 'VARCHAR', description: 'the Patient it is about (subject, patient or beneficiary; the id itself for a Patient)' },
  { name: 'resource', type: 'JSON', description: 'the whole resource' },
];

/** `DiagnosticReport` → `fhir_diagnostic_report`. */
export function refinedViewName(resourceType: string): string {
  return `fhir_${resourceType.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}`;
}

/** The view of every version of every type. */
export const REFINED_VERSIONS_VIEW = 'fhir_versions';
