import type { ErrorRecord, MessageRecord, PatientIdentifierRecord } from './records';
import type { PatientConflictRecord, PatientLinkRecord, PatientMergeRecord } from './patient-index/records';

/**
 * The catalog as SQL sees it: one view per record kind with snake_case columns. Shared by the
 * local query engine (DuckDB views over the SQLite catalog) and the AWS catalog mirror (JSON
 * rows under `catalog/` that the Athena tables of the analytics stack read), so both answer
 * the same SQL with the same column names.
 */

/** Column types as DuckDB names them; the Glue tables map them (see infra analytics stack). */
export type CatalogColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'TIMESTAMPTZ' | 'VARCHAR[]';

/** A view column: its SQL name, the key of the catalog record it comes from and its type. */
export interface CatalogColumn {
  readonly name: string;
  readonly key: string;
  readonly type: CatalogColumnType;
}

const c = (name: string, key: string, type: CatalogColumnType): CatalogColumn => ({ name, key, type });

export const CATALOG_VIEW_COLUMNS = {
  messages: [
    c('message_id', 'messageId', 'VARCHAR'),
    c('source', 'source', 'VARCHAR'),
    c('status', 'status', 'VARCHAR'),
    c('received_at', 'receivedAt', 'TIMESTAMPTZ'),
    c('updated_at', 'updatedAt', 'TIMESTAMPTZ'),
    c('message_type', 'messageType', 'VARCHAR'),
    c('structure', 'structure', 'VARCHAR'),
    c('version', 'version', 'VARCHAR'),
    c('control_id', 'controlId', 'VARCHAR'),
    c('sending_application', 'sendingApplication', 'VARCHAR'),
    c('sending_facility', 'sendingFacility', 'VARCHAR'),
    c('patient_id', 'patientId', 'VARCHAR'),
    c('submitted_by', 'submittedBy', 'VARCHAR'),
    c('batch_id', 'batchId', 'VARCHAR'),
    c('batch_index', 'batchIndex', 'INTEGER'),
    c('attempts', 'attempts', 'INTEGER'),
    c('size', 'size', 'BIGINT'),
    c('content_hash', 'contentHash', 'VARCHAR'),
    c('raw_key', 'rawKey', 'VARCHAR'),
    c('staging_key', 'stagingKey', 'VARCHAR'),
    c('error_key', 'errorKey', 'VARCHAR'),
  ],
  errors: [
    c('message_id', 'messageId', 'VARCHAR'),
    c('attempt', 'attempt', 'INTEGER'),
    c('stage', 'stage', 'VARCHAR'),
    c('severity', 'severity', 'VARCHAR'),
    c('code', 'code', 'VARCHAR'),
    c('message', 'message', 'VARCHAR'),
    c('location', 'location', 'VARCHAR'),
    c('line', 'line', 'INTEGER'),
    c('column', 'column', 'INTEGER'),
    c('at', 'at', 'TIMESTAMPTZ'),
  ],
  patient_identifiers: [
    c('identifier', 'identifier', 'VARCHAR'),
    c('patient_id', 'patientId', 'VARCHAR'),
    c('source', 'source', 'VARCHAR'),
    c('first_seen_message_id', 'firstSeenMessageId', 'VARCHAR'),
    c('first_seen_at', 'firstSeenAt', 'TIMESTAMPTZ'),
  ],
  patient_links: [
    c('patient_id', 'patientId', 'VARCHAR'),
    c('linked_patient_id', 'linkedPatientId', 'VARCHAR'),
    c('message_id', 'messageId', 'VARCHAR'),
    c('source', 'source', 'VARCHAR'),
    c('at', 'at', 'TIMESTAMPTZ'),
  ],
  patient_merges: [
    c('merged_patient_id', 'mergedPatientId', 'VARCHAR'),
    c('survivor_patient_id', 'survivorPatientId', 'VARCHAR'),
    c('message_id', 'messageId', 'VARCHAR'),
    c('message_type', 'messageType', 'VARCHAR'),
    c('source', 'source', 'VARCHAR'),
    c('prior_identifiers', 'priorIdentifiers', 'VARCHAR[]'),
    c('at', 'at', 'TIMESTAMPTZ'),
  ],
  /** Demographic conflicts (docs/identity.md): the fields that differ, never their values. */
  patient_conflicts: [
    c('patient_id', 'patientId', 'VARCHAR'),
    c('conflicting_patient_id', 'conflictingPatientId', 'VARCHAR'),
    c('identifier', 'identifier', 'VARCHAR'),
    c('source', 'source', 'VARCHAR'),
    c('other_source', 'otherSource', 'VARCHAR'),
    c('fields', 'fields', 'VARCHAR[]'),
    c('message_id', 'messageId', 'VARCHAR'),
    c('at', 'at', 'TIMESTAMPTZ'),
  ],
} as const satisfies Record<string, readonly CatalogColumn[]>;

export type CatalogView = keyof typeof CATALOG_VIEW_COLUMNS;

/** Columns of `patient_identifiers` computed from `identifier` (`authority#type#value`). */
export const PATIENT_IDENTIFIER_PARTS = ['authority', 'identifier_type', 'value'] as const;

/** Splits `authority#type#value` on its first two '#' only: the value may itself hold '#'. */
export function splitIdentifier(identifier: string): { authority: string; identifier_type: string; value: string } {
  const first = identifier.indexOf('#');
  if (first < 0) return { authority: identifier, identifier_type: '', value: '' };
  const second = identifier.indexOf('#', first + 1);
  if (second < 0) return { authority: identifier.slice(0, first), identifier_type: identifier.slice(first + 1), value: '' };
  return { authority: identifier.slice(0, first), identifier_type: identifier.slice(first + 1, second), value: identifier.slice(second + 1) };
}

/** A view row: every column present, absent values as null. */
export type CatalogRow = Record<string, string | number | string[] | null>;

function rowOf(columns: readonly CatalogColumn[], record: object): CatalogRow {
  const row: CatalogRow = {};
  const values = record as Record<string, unknown>;
  for (const col of columns) {
    const v = values[col.key];
    row[col.name] = v === undefined || v === null ? null : (v as string | number | string[]);
  }
  return row;
}

export const messageRow = (record: MessageRecord): CatalogRow => rowOf(CATALOG_VIEW_COLUMNS.messages, record);
export const errorRow = (record: ErrorRecord): CatalogRow => rowOf(CATALOG_VIEW_COLUMNS.errors, record);
/** With the derived `authority`, `identifier_type` and `value` columns, as the local view computes them. */
export const patientIdentifierRow = (record: PatientIdentifierRecord): CatalogRow => ({
  ...rowOf(CATALOG_VIEW_COLUMNS.patient_identifiers, record),
  ...splitIdentifier(record.identifier),
});
export const patientLinkRow = (record: PatientLinkRecord): CatalogRow => rowOf(CATALOG_VIEW_COLUMNS.patient_links, record);
export const patientMergeRow = (record: PatientMergeRecord): CatalogRow => rowOf(CATALOG_VIEW_COLUMNS.patient_merges, record);
export const patientConflictRow = (record: PatientConflictRecord): CatalogRow => rowOf(CATALOG_VIEW_COLUMNS.patient_conflicts, record);
