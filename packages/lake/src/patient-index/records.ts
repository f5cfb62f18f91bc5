import type { DemographicField, PatientDemographics } from './demographics';

/**
 * Patient index records beside `PatientIdentifierRecord` (records.ts): the links a message
 * makes between two patients, and the merges ADT merge events apply.
 */

/**
 * Two known patients whose identifiers met in one message. Kept as a link for a person to
 * review, never merged silently. One link per pair of patients: the first bridging message.
 */
export interface PatientLinkRecord {
  /** The patient the bridging message was attached to. */
  patientId: string;
  /** The other patient the message's identifiers resolved to. */
  linkedPatientId: string;
  /** The bridging message. */
  messageId: string;
  /** Source of the bridging message (reads show a link only to readers of that source). */
  source: string;
  at: string;
}

/** An applied merge (ADT^A40, A34, ...): `mergedPatientId` now resolves to `survivorPatientId`. */
export interface PatientMergeRecord {
  mergedPatientId: string;
  survivorPatientId: string;
  /** The merge message and its MSH-9 (`ADT^A40`). */
  messageId: string;
  messageType: string;
  source: string;
  /** The prior identifiers (MRG-1, MRG-4) named by the merge message, as `authority#type#value`. */
  priorIdentifiers: string[];
  at: string;
}

/**
 * One identifier as one source sent it: the patient the source's messages with it are
 * attached to, the sending facility, and the demographics of the first message with it
 * (PHI: shown only to readers of that source, never logged). One per (identifier, source):
 * merges apply only to identifiers the merging source has an occurrence of.
 */
export interface PatientOccurrenceRecord {
  /** The index key (`authority#type#value`, or scoped: `authority#type#value#source#facility`). */
  identifier: string;
  source: string;
  patientId: string;
  /** MSH-4 of the first message ('' when absent). */
  facility: string;
  firstSeenMessageId: string;
  firstSeenAt: string;
  demographics: PatientDemographics;
}

/**
 * An identifier that resolved to a patient whose recorded demographics disagree with the
 * message's (birth date or sex): kept for a person to review instead of a link. The message
 * went to `conflictingPatientId` (a patient of its own source), never to `patientId`. One per
 * (identifier, source). Shown only to readers of both `source` and `otherSource`.
 */
export interface PatientConflictRecord {
  /** The patient the identifier resolved to. */
  patientId: string;
  /** The patient the message was attached to instead. */
  conflictingPatientId: string;
  identifier: string;
  /** Source of the message that met the disagreement. */
  source: string;
  /** Source of the occurrence it disagreed with. */
  otherSource: string;
  /** The fields that differ (`birthDate`, `sex`); never their values. */
  fields: DemographicField[];
  messageId: string;
  at: string;
}
