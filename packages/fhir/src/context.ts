/** What the caller knows about the message that the message itself does not say. */
export interface ConvertContext {
  /** The lake's message id (a ULID); named in every resource's `meta.source`. */
  messageId: string;
  /** The lake source id the message was submitted for. */
  source: string;
  /** Key of the raw message in the raw zone; the Provenance points at it. */
  rawKey?: string;
  /** When the lake received the message (ISO 8601); Provenance.recorded. */
  receivedAt?: string;
  /** The id the patient index chose for the subject Patient; overrides the derived id. */
  patientId?: string;
  /** Offset for times sent without one (`Z`, `+01:00`); FHIR requires an offset. Default `Z`. */
  defaultOffset?: string;
}

/** Something the mapping did not carry into FHIR, located like `ZPI[1]-3` or `GT1[1]`. */
export interface MappingNote {
  location: string;
  code: MappingNoteCode;
  message: string;
}

export const MappingNoteCode = {
  /** A segment this package has no map for (kept as an extension on MessageHeader when Z). */
  UnmappedSegment: 'unmapped-segment',
  /** A field with a value that the segment's map does not carry. */
  UnmappedField: 'unmapped-field',
  /** A value that could not be read as its data type (a date, a number). */
  InvalidValue: 'invalid-value',
  /** A message type this package has no message map for; segments were mapped one by one. */
  UnknownMessageType: 'unknown-message-type',
  /** A segment that needs a context (an OBX with no order, a second PID) and was mapped alone. */
  OutOfContext: 'out-of-context',
} as const;
export type MappingNoteCode = (typeof MappingNoteCode)[keyof typeof MappingNoteCode];

/** A merge (A34/A40/A47...): the surviving patient replaces the retired one. */
export interface PatientLink {
  /** The Patient that remains (PID). */
  survivingPatientId: string;
  /** The Patient merged into it (MRG). */
  replacedPatientId: string;
  /** The identifiers of each, `authority#type#value` as the patient index keys them. */
  survivingIdentifiers: string[];
  replacedIdentifiers: string[];
  /** The trigger event (A40, A34, A47...). */
  event: string;
}
