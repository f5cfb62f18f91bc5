import { assertMessageId, assertSource, dayOf, ValidationError } from '@hcdl/lake';

/**
 * Key layout of the catalog mirror in the lake bucket: one prefix per view, Hive partitions
 * where the rows have a source and a day, so Athena prunes with partition projection.
 *
 *   catalog/messages/source=<s>/dt=<yyyy-mm-dd>/<messageId>.json             latest state of the message
 *   catalog/errors/source=<s>/dt=<yyyy-mm-dd>/<messageId>.<attempt>.json     one line per diagnostic of the attempt
 *   catalog/patient_identifiers/<patientId>/<firstSeenMessageId>.json        identifiers of the patient first seen in that message
 *   catalog/patient_links/<patientId>/<linkedPatientId>.json                 the link of two patients (as the catalog keeps it)
 *   catalog/patient_merges/<mergedPatientId>.json                            the merge that retired a patient
 *   catalog/patient_conflicts/<conflictingPatientId>/<messageId>.json        the demographic conflicts a message met
 *
 * `dt` is the day of the message id (its receive time), as in the zones' keys. Keys never
 * hold an identifier or a hash of one: identifiers are few-digit numbers, a hash of one is
 * reversible by trying them all, and keys end up in access logs and CloudTrail.
 */
export const CATALOG_MIRROR_PREFIX = 'catalog/';

export const CatalogMirrorView = {
  Messages: 'messages',
  Errors: 'errors',
  PatientIdentifiers: 'patient_identifiers',
  PatientLinks: 'patient_links',
  PatientMerges: 'patient_merges',
  PatientConflicts: 'patient_conflicts',
} as const;
export type CatalogMirrorView = (typeof CatalogMirrorView)[keyof typeof CatalogMirrorView];

/** Prefix of a view's files (the Glue table's location). */
export const mirrorViewPrefix = (view: CatalogMirrorView): string => `${CATALOG_MIRROR_PREFIX}${view}/`;

export function messageMirrorKey(source: string, messageId: string): string {
  return `${mirrorViewPrefix('messages')}source=${assertSource(source)}/dt=${dayOf(messageId)}/${messageId}.json`;
}

export function errorMirrorKey(source: string, messageId: string, attempt: number): string {
  if (!Number.isSafeInteger(attempt) || attempt < 0) throw new ValidationError('attempt must be a non-negative integer');
  return `${mirrorViewPrefix('errors')}source=${assertSource(source)}/dt=${dayOf(messageId)}/${messageId}.${attempt}.json`;
}

const assertPatientId = (patientId: string): string => {
  if (!/^[A-Za-z0-9_-]+$/.test(patientId)) throw new ValidationError('patient id must be a generated id');
  return patientId;
};

export function patientIdentifiersMirrorKey(patientId: string, firstSeenMessageId: string): string {
  return `${mirrorViewPrefix('patient_identifiers')}${assertPatientId(patientId)}/${assertMessageId(firstSeenMessageId)}.json`;
}

export function patientLinkMirrorKey(patientId: string, linkedPatientId: string): string {
  return `${mirrorViewPrefix('patient_links')}${assertPatientId(patientId)}/${assertPatientId(linkedPatientId)}.json`;
}

export function patientMergeMirrorKey(mergedPatientId: string): string {
  return `${mirrorViewPrefix('patient_merges')}${assertPatientId(mergedPatientId)}.json`;
}

export function patientConflictsMirrorKey(conflictingPatientId: string, messageId: string): string {
  return `${mirrorViewPrefix('patient_conflicts')}${assertPatientId(conflictingPatientId)}/${assertMessageId(messageId)}.json`;
}
