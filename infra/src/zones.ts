/**
 * Key prefixes of the lake bucket, as laid out by packages/lake/src/zones.ts (IAM policies,
 * lifecycle rules and Glue locations are scoped by them).
 */
export const ZonePrefix = {
  Raw: 'raw/',
  Staging: 'staging/',
  Error: 'error/',
  Refined: 'refined/',
  /** Hand-off area between staging and core: not a zone, expired after a day. */
  Work: 'work/',
  /** Request bytes the front door lands for core-writer's ingest function (under work/, so expired too). */
  Incoming: 'work/incoming/',
  /**
   * The catalog mirrored as NDJSON for Athena (packages/aws/src/catalog-mirror): a data zone
   * like the others, written only by core-writer's functions.
   */
  Catalog: 'catalog/',
  /** The mirror's message and error rows (core-writer-ingest writes these, never the patient index). */
  CatalogMessages: 'catalog/messages/',
  CatalogErrors: 'catalog/errors/',
  CatalogPatientIdentifiers: 'catalog/patient_identifiers/',
  /** Staging compacted to Parquet (`hcdl compact`), same partitions as staging/. */
  Parquet: 'parquet/staging/',
} as const;

/** Athena query results in the artifact bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
