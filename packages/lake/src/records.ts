/** Lifecycle of a message in the catalog. */
export const MessageStatus = {
  /** Raw bytes and catalog row are durable; staging not done yet. */
  Ingested: 'ingested',
  /** Parsed; staging JSON written. */
  Staged: 'staged',
  /** Could not be parsed (or was not HL7 at all); kept in the error zone with diagnostics. */
  Error: 'error',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

/** One catalog row per message (MSH-10, MSH-9, MSH-12 as found; absent when not HL7). */
export interface MessageRecord {
  messageId: string;
  source: string;
  protocol: 'hl7v2';
  format: 'er7';
  status: MessageStatus;
  receivedAt: string;
  updatedAt: string;
  /** sha-256 hex of the normalized message bytes. */
  contentHash: string;
  size: number;
  rawKey: string;
  stagingKey?: string;
  errorKey?: string;
  controlId?: string;
  /** MSH-9 as `CODE^EVENT` (e.g. `ADT^A01`). */
  messageType?: string;
  /** Message structure used for naming (e.g. `ADT_A01`). */
  structure?: string;
  version?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  patientId?: string;
  /** Subject (`sub`) of the principal that submitted the message. */
  submittedBy?: string;
  /** When the message came in a batch file: the batch id and its 1-based position. */
  batchId?: string;
  batchIndex?: number;
  /** Number of staging attempts so far (replays add one). */
  attempts: number;
}

export const ErrorStage = {
  FrontDoor: 'front-door',
  Normalize: 'normalize',
  Parse: 'parse',
  Core: 'core',
} as const;
export type ErrorStage = (typeof ErrorStage)[keyof typeof ErrorStage];

/** One diagnostic of one attempt, located as `SEG[rep]-field[rep].component.subcomponent`. */
export interface ErrorRecord {
  messageId: string;
  attempt: number;
  stage: ErrorStage;
  severity: 'error' | 'warning';
  code: string;
  message: string;
  location?: string;
  line?: number;
  column?: number;
  at: string;
}

/** Patient identifier cross-reference row: `authority#type#value` <-> patient id. */
export interface PatientIdentifierRecord {
  identifier: string;
  patientId: string;
  source: string;
  firstSeenMessageId: string;
  firstSeenAt: string;
}
