import type { ErrorRecord, MessageRecord } from '@hcdl/lake';

/**
 * Item layout of the catalog table (see catalog-schema.ts for the table of items). Records
 * are stored as flat attributes beside the key attributes below, which are stripped when
 * an item is read back, so a record round-trips exactly.
 */
export const ItemKind = {
  Message: 'message',
  Error: 'error',
  Identifier: 'identifier',
  PatientIdentifier: 'patient-identifier',
  Link: 'link',
  Merge: 'merge',
  Occurrence: 'occurrence',
  Conflict: 'conflict',
  /** A content claim (./content-claims.ts, ADR 0014). */
  ContentClaim: 'content-claim',
} as const;
export type ItemKind = (typeof ItemKind)[keyof typeof ItemKind];

/** Attributes the adapter adds to records; never part of a record. */
const META = ['pk', 'sk', 'kind', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'messageSource'] as const;

export type Item = Record<string, unknown>;
export interface Key {
  pk: string;
  sk: string;
}

export const MESSAGE_SK = 'MSG';
export const ERROR_SK_PREFIX = 'ERR#';
export const messageKey = (messageId: string): Key => ({ pk: `MSG#${messageId}`, sk: MESSAGE_SK });
export const identifierKey = (identifier: string): Key => ({ pk: `IDENT#${identifier}`, sk: 'IDENT' });
export const patientPk = (patientId: string): string => `PATIENT#${patientId}`;
export const patientIdentifierKey = (patientId: string, identifier: string): Key => ({ pk: patientPk(patientId), sk: `IDENT#${identifier}` });
export const linkKey = (patientId: string, otherPatientId: string): Key => ({ pk: patientPk(patientId), sk: `LINK#${otherPatientId}` });
export const mergeKey = (mergedPatientId: string): Key => ({ pk: patientPk(mergedPatientId), sk: 'MERGED' });
export const survivorMergeKey = (survivorPatientId: string, mergedPatientId: string): Key => ({
  pk: patientPk(survivorPatientId),
  sk: `MERGE#${mergedPatientId}`,
});

/** An identifier as one source sent it (canonical item), and its copy in the patient's partition. */
export const occurrenceKey = (identifier: string, source: string): Key => ({ pk: `OCCUR#${identifier}`, sk: `SOURCE#${source}` });
export const patientOccurrenceKey = (patientId: string, identifier: string, source: string): Key => ({
  pk: patientPk(patientId),
  sk: `OCCUR#${identifier}#${source}`,
});
/** A demographic conflict (canonical item, one per identifier and source), and its copy in each patient's partition. */
export const conflictKey = (identifier: string, source: string): Key => ({ pk: `CONFLICT#${identifier}`, sk: `SOURCE#${source}` });
export const patientConflictKey = (patientId: string, identifier: string, source: string): Key => ({
  pk: patientPk(patientId),
  sk: `CONFLICT#${identifier}#${source}`,
});

/** Partition keys of the message GSIs. */
export const messagesOfSource = (source: string): string => `MSG#${source}`;
export const messagesOfStatus = (status: string): string => `MSG#${status}`;
export const messagesOfPatient = (patientId: string): string => `MSG#${patientId}`;
/** Partition keys of the error GSIs. */
export const errorsOfSource = (source: string): string => `ERR#${source}`;
export const ALL_ERRORS = 'ERR';

/** A message row with the keys of its table item and of the three GSIs. */
export function messageItem(record: MessageRecord): Item {
  return {
    ...record,
    ...messageKey(record.messageId),
    kind: ItemKind.Message,
    gsi1pk: messagesOfSource(record.source),
    gsi1sk: record.messageId,
    gsi2pk: messagesOfStatus(record.status),
    gsi2sk: record.messageId,
    ...(record.patientId !== undefined ? { gsi3pk: messagesOfPatient(record.patientId), gsi3sk: record.messageId } : {}),
  };
}

/** Sort key of an error in the GSIs: message order first, then put order within the message. */
export const errorIndexSk = (messageId: string, seq: string): string => `${messageId}#${seq}`;

/** One diagnostic; `source` is the source of its message when the message is known. */
export function errorItem(record: ErrorRecord, seq: string, source: string | undefined): Item {
  const indexSk = errorIndexSk(record.messageId, seq);
  return {
    ...record,
    pk: messageKey(record.messageId).pk,
    sk: `${ERROR_SK_PREFIX}${seq}`,
    kind: ItemKind.Error,
    gsi2pk: ALL_ERRORS,
    gsi2sk: indexSk,
    ...(source !== undefined ? { messageSource: source, gsi1pk: errorsOfSource(source), gsi1sk: indexSk } : {}),
  };
}

/** The record stored in an item (adapter attributes removed). */
export function recordOf<T>(item: Item): T {
  const out: Item = { ...item };
  for (const k of META) delete out[k];
  return out as T;
}
