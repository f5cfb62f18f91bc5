/**
 * Key prefixes of the lake bucket, as laid out by packages/lake/src/zones.ts (IAM policies,
 * lifecycle rules and Glue locations are scoped by them).
 */
export const ZonePrefix = {
  Raw: 'raw/',
  Staging: 'staging/',
  Error: 'error/',
  Refined: 'refined/',
  /** Hand-off area between the staging workflow's tasks: not a zone, expired after a day. */
  Work: 'work/',
  /** Staging JSON too large for the workflow state, handed from the stage task to the outcome task. */
  WorkStaging: 'work/staging/',
  /**
   * The catalog mirrored as NDJSON for Athena (packages/aws/src/catalog-mirror): a data zone
   * like the others, written by the functions that write the catalog.
   */
  Catalog: 'catalog/',
  /** The mirror's message and error rows (the front door writes these for rejected input, never the patient index). */
  CatalogMessages: 'catalog/messages/',
  CatalogErrors: 'catalog/errors/',
  CatalogPatientIdentifiers: 'catalog/patient_identifiers/',
  CatalogPatientLinks: 'catalog/patient_links/',
  CatalogPatientMerges: 'catalog/patient_merges/',
  CatalogPatientConflicts: 'catalog/patient_conflicts/',
  /** Staging compacted to Parquet (`hcdl compact`), same partitions as staging/. */
  Parquet: 'parquet/staging/',
  /**
   * Presigned uploads (POST /hl7v2/uploads): `upload/source=<src>/<uploadId>.hl7`, written only
   * through a POST policy the front door signs, ingested and removed by the landing function.
   */
  Upload: 'upload/',
  /** File drops: `landing/source=<src>/<name>`, written by the principals allowed per source. */
  Landing: 'landing/',
  /** The audit trail (docs/adr/0016): `audit/dt=<day>/<auditId>.json`, written create-only by the API functions, read by GET /audit and Athena. */
  Audit: 'audit/',
} as const;

/** Days a landed file that could not be ingested stays (as long as the landing dead-letter queue keeps its event). */
export const LANDED_FILE_DAYS = 14;

/** Athena query results in the artifact bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
