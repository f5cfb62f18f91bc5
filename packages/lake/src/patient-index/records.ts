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
