import type { ErrorRecord, MessageRecord, MessageStatus, PatientIdentifierRecord } from '../records';
import type { PatientConflictRecord, PatientLinkRecord, PatientMergeRecord, PatientOccurrenceRecord } from '../patient-index/records';
import type { ContentClaim, PutMessageOptions } from '../content-claims';

export interface MessageQuery {
  source?: string | string[];
  messageType?: string;
  /** MSH-10, exactly. */
  controlId?: string;
  status?: MessageStatus;
  /**
   * ISO instants, inclusive lower bound / exclusive upper bound on receivedAt. Compared as
   * instants: `2024-01-02T03:04:05Z` and `2024-01-02T03:04:05.000Z` are the same bound.
   */
  since?: string;
  until?: string;
  patientId?: string;
  /** `asc` (default): oldest first, ascending messageId; `desc`: newest first. */
  order?: ListOrder;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

/** The order of a listing: `asc` oldest first (the default), `desc` newest first. */
export type ListOrder = 'asc' | 'desc';

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface ErrorQuery {
  messageId?: string;
  source?: string | string[];
  code?: string;
  since?: string;
  /** `asc` (default): in the order they were put; `desc`: the latest first. */
  order?: ListOrder;
  limit?: number;
  cursor?: string;
}

/**
 * Catalog port: messages, errors and the patient identifier cross-reference.
 * Local adapter: SQLite; AWS adapter: DynamoDB. Only core-writer writes it.
 */
export interface Catalog {
  /**
   * Creates the row; throws CatalogConflictError when the id exists. Durable on resolve.
   * With `claimUntil`, the row also claims (source, contentHash) in the same write (one
   * transaction): while another row's claim is in force it throws ContentClaimedError
   * carrying that row's id, and nothing is written.
   */
  putMessage(record: MessageRecord, options?: PutMessageOptions): Promise<void>;
  /** The claim in force on (source, contentHash), if any (expired claims are absent). */
  getContentClaim(source: string, contentHash: string): Promise<ContentClaim | undefined>;
  getMessage(messageId: string): Promise<MessageRecord | undefined>;
  /**
   * Applies a partial update; when `expectedStatus` is given the update only happens if the
   * current status matches (else CatalogConflictError). Returns the updated row.
   * messageId, source and receivedAt never change. Unknown id: NotFoundError.
   */
  updateMessage(
    messageId: string,
    patch: Partial<Omit<MessageRecord, 'messageId' | 'source' | 'receivedAt'>>,
    expectedStatus?: MessageStatus,
  ): Promise<MessageRecord>;
  /**
   * Rows matching every given filter, oldest first: ascending messageId, which is receive
   * order (ids are ULIDs); newest first with `order: 'desc'`. Pages hold at most `limit`
   * rows; pass `cursor` back with the same query for the next page; no cursor means the end
   * (a last page may be empty).
   */
  listMessages(query: MessageQuery): Promise<Page<MessageRecord>>;
  /** Appends diagnostics; an empty list is a no-op. */
  putErrors(records: ErrorRecord[]): Promise<void>;
  /**
   * Diagnostics matching every filter (`source` is the source of their message). The errors
   * of one message come in the order they were put (reversed with `order: 'desc'`); paging
   * as for listMessages.
   */
  listErrors(query: ErrorQuery): Promise<Page<ErrorRecord>>;

  /** Patient identifiers, both directions. */
  getPatientIdByIdentifier(identifier: string): Promise<string | undefined>;
  /** Rows of one patient ordered by identifier; [] for an unknown patient. */
  listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]>;
  /** Inserts rows whose identifier is not yet known; existing identifiers are left as they are. */
  putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void>;

  /**
   * Records a link between two patients a message bridged (kept for review, never merged).
   * One link per unordered pair {patientId, linkedPatientId}: when the pair is already linked
   * (in either direction) the existing record is kept and this call does nothing.
   */
  putPatientLink(record: PatientLinkRecord): Promise<void>;
  /** The links of a patient in either direction (as patientId or linkedPatientId), oldest first (by `at`). */
  listPatientLinks(patientId: string): Promise<PatientLinkRecord[]>;
  /**
   * Records that `mergedPatientId` was merged into `survivorPatientId`. A patient is merged at
   * most once: when a merge of `mergedPatientId` exists, it is kept and this call does nothing.
   */
  putPatientMerge(record: PatientMergeRecord): Promise<void>;
  /** The merge that retired `mergedPatientId`, or undefined when that patient was never merged. */
  getPatientMerge(mergedPatientId: string): Promise<PatientMergeRecord | undefined>;
  /** Merges a patient took part in, as merged or as survivor, oldest first (by `at`). */
  listPatientMerges(patientId: string): Promise<PatientMergeRecord[]>;

  /**
   * Inserts occurrences whose (identifier, source) is not yet known; existing ones are left
   * as they are (the first message's demographics stay). The first of a batch naming one
   * (identifier, source) twice wins.
   */
  putPatientOccurrences(records: PatientOccurrenceRecord[]): Promise<void>;
  /** The occurrence of an identifier from one source, or undefined when that source never sent it. */
  getPatientOccurrence(identifier: string, source: string): Promise<PatientOccurrenceRecord | undefined>;
  /** Occurrences attached to a patient, ordered by identifier then source; [] for an unknown patient. */
  listPatientOccurrences(patientId: string): Promise<PatientOccurrenceRecord[]>;
  /**
   * Records a demographic conflict. One per (identifier, source): when one exists it is kept
   * and this call does nothing.
   */
  putPatientConflict(record: PatientConflictRecord): Promise<void>;
  /** Conflicts of a patient on either side (patientId or conflictingPatientId), oldest first (by `at`, then identifier, source). */
  listPatientConflicts(patientId: string): Promise<PatientConflictRecord[]>;
}
