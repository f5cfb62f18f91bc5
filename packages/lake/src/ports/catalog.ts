import type { ErrorRecord, MessageRecord, MessageStatus, PatientIdentifierRecord } from '../records';

export interface MessageQuery {
  source?: string | string[];
  messageType?: string;
  status?: MessageStatus;
  /** ISO instants, inclusive lower bound / exclusive upper bound on receivedAt. */
  since?: string;
  until?: string;
  patientId?: string;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface ErrorQuery {
  messageId?: string;
  source?: string | string[];
  code?: string;
  since?: string;
  limit?: number;
  cursor?: string;
}

/**
 * Catalog port: messages, errors and the patient identifier cross-reference.
 * Local adapter: SQLite; AWS adapter: DynamoDB. Only core-writer writes it.
 */
export interface Catalog {
  /** Creates the row; throws CatalogConflictError when the id exists. Durable on resolve. */
  putMessage(record: MessageRecord): Promise<void>;
  getMessage(messageId: string): Promise<MessageRecord | undefined>;
  /**
   * Applies a partial update; when `expectedStatus` is given the update only happens if the
   * current status matches (else CatalogConflictError). Returns the updated row.
   */
  updateMessage(
    messageId: string,
    patch: Partial<Omit<MessageRecord, 'messageId' | 'source' | 'receivedAt'>>,
    expectedStatus?: MessageStatus,
  ): Promise<MessageRecord>;
  listMessages(query: MessageQuery): Promise<Page<MessageRecord>>;
  putErrors(records: ErrorRecord[]): Promise<void>;
  listErrors(query: ErrorQuery): Promise<Page<ErrorRecord>>;

  /** Patient identifiers, both directions. */
  getPatientIdByIdentifier(identifier: string): Promise<string | undefined>;
  listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]>;
  /** Inserts rows whose identifier is not yet known; existing identifiers are left as they are. */
  putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void>;
}
