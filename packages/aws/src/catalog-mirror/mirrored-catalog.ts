import {
  CatalogConflictError,
  MessageStatus,
  type Catalog,
  type ContentClaim,
  type PutMessageOptions,
  type ErrorQuery,
  type ErrorRecord,
  type MessageQuery,
  type MessageRecord,
  type ObjectStore,
  type Page,
  type PatientConflictRecord,
  type PatientIdentifierRecord,
  type PatientLinkRecord,
  type PatientMergeRecord,
  type PatientOccurrenceRecord,
} from '@hcdl/lake';
import { CatalogMirrorWriter } from './mirror-writer';

type MessagePatch = Partial<Omit<MessageRecord, 'messageId' | 'source' | 'receivedAt'>>;

/**
 * A Catalog that keeps a copy of the `messages`, `errors` and `patient_identifiers` views as
 * JSON files under `catalog/` of the lake bucket (layout in ./keys), so Athena answers the same
 * SQL as the local engine. Every write goes to the inner catalog first; once it succeeded the
 * affected rows are read back from the catalog (its state, not the call's arguments, so a
 * retry rewrites what is true) and written, overwriting the previous file.
 *
 * A failed mirror write fails the call with CatalogMirrorError: the catalog row is already
 * there, the caller's event is retried, and the retry (core-writer's writes are idempotent
 * or conditional) rewrites the file. Failing loudly keeps the mirror from drifting without
 * anyone knowing; the price is a retry when S3 errors. Reads go to the inner catalog only.
 * Links, merges and conflicts are mirrored too (the `patient_links`, `patient_merges` and
 * `patient_conflicts` views). Identifier occurrences are not: they hold demographics (PHI)
 * that no SQL view exposes.
 */
export class MirroredCatalog implements Catalog {
  private readonly mirror: CatalogMirrorWriter;

  constructor(
    private readonly inner: Catalog,
    objectStore: ObjectStore,
  ) {
    this.mirror = new CatalogMirrorWriter(inner, objectStore);
  }

  /**
   * A new row is mirrored once it has an outcome (staged or error), not while it waits for
   * staging: that saves one S3 PUT per message (docs/aws-calls.md); the messages view shows
   * a message from the moment its staging ends, seconds after it was received.
   */
  async putMessage(record: MessageRecord, options?: PutMessageOptions): Promise<void> {
    await this.mirrorOnConflict(record.messageId, () => this.inner.putMessage(record, options));
    if (record.status !== MessageStatus.Ingested) await this.mirror.message(record);
  }

  getContentClaim(source: string, contentHash: string): Promise<ContentClaim | undefined> {
    return this.inner.getContentClaim(source, contentHash);
  }

  async updateMessage(messageId: string, patch: MessagePatch, expectedStatus?: MessageStatus): Promise<MessageRecord> {
    const updated = await this.mirrorOnConflict(messageId, () => this.inner.updateMessage(messageId, patch, expectedStatus));
    await this.mirror.message(updated);
    // The attempt's diagnostics are in the catalog by now (putErrors comes first, and a retry
    // skips it when they are): their file is written here, once per failed attempt.
    if (updated.status === MessageStatus.Error) await this.mirror.errors(updated, new Set([updated.attempts]));
    return updated;
  }

  /**
   * A conflict is how a retry finds its write already done (the put of an existing id, an
   * update whose status already moved on): the mirror of that earlier write may be what
   * failed, so the stored row is mirrored before the conflict is rethrown.
   */
  private async mirrorOnConflict<T>(messageId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof CatalogConflictError) {
        const stored = await this.inner.getMessage(messageId);
        if (stored !== undefined) await this.mirror.message(stored);
      }
      throw err;
    }
  }

  /**
   * Diagnostics are mirrored when their message's row moves to `error` (updateMessage), which
   * always follows them (the error zone's use-case: errors, then the status), and also on a
   * retry that finds the rows already put: one mirror file write per failed attempt.
   */
  putErrors(records: ErrorRecord[]): Promise<void> {
    return this.inner.putErrors(records);
  }

  async putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void> {
    await this.inner.putPatientIdentifiers(records);
    const patients = new Set(records.map((r) => r.patientId));
    for (const patientId of patients) {
      const mine = records.filter((r) => r.patientId === patientId);
      await this.mirror.patient(patientId, { identifiers: new Set(mine.map((r) => r.identifier)), messages: new Set(mine.map((r) => r.firstSeenMessageId)) });
    }
  }

  /** The link as the catalog keeps it (the first one of the pair): rewritten, never a second file for the pair. */
  async putPatientLink(record: PatientLinkRecord): Promise<void> {
    await this.inner.putPatientLink(record);
    await this.mirror.links(record.patientId, record.linkedPatientId);
  }

  async putPatientMerge(record: PatientMergeRecord): Promise<void> {
    await this.inner.putPatientMerge(record);
    await this.mirror.merge(record.mergedPatientId);
  }

  putPatientOccurrences(records: PatientOccurrenceRecord[]): Promise<void> {
    return this.inner.putPatientOccurrences(records);
  }

  async putPatientConflict(record: PatientConflictRecord): Promise<void> {
    await this.inner.putPatientConflict(record);
    // The stored conflict may name another conflicting patient (a retry after a lost race): mirror that one.
    const stored = (await this.inner.listPatientConflicts(record.patientId)).find((c) => c.identifier === record.identifier && c.source === record.source);
    if (stored !== undefined) await this.mirror.conflicts(stored.conflictingPatientId, stored.messageId);
  }

  getPatientOccurrence(identifier: string, source: string): Promise<PatientOccurrenceRecord | undefined> {
    return this.inner.getPatientOccurrence(identifier, source);
  }

  listPatientOccurrences(patientId: string): Promise<PatientOccurrenceRecord[]> {
    return this.inner.listPatientOccurrences(patientId);
  }

  listPatientConflicts(patientId: string): Promise<PatientConflictRecord[]> {
    return this.inner.listPatientConflicts(patientId);
  }

  getMessage(messageId: string): Promise<MessageRecord | undefined> {
    return this.inner.getMessage(messageId);
  }

  listMessages(query: MessageQuery): Promise<Page<MessageRecord>> {
    return this.inner.listMessages(query);
  }

  listErrors(query: ErrorQuery): Promise<Page<ErrorRecord>> {
    return this.inner.listErrors(query);
  }

  getPatientIdByIdentifier(identifier: string): Promise<string | undefined> {
    return this.inner.getPatientIdByIdentifier(identifier);
  }

  listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]> {
    return this.inner.listIdentifiersOfPatient(patientId);
  }

  listPatientLinks(patientId: string): Promise<PatientLinkRecord[]> {
    return this.inner.listPatientLinks(patientId);
  }

  getPatientMerge(mergedPatientId: string): Promise<PatientMergeRecord | undefined> {
    return this.inner.getPatientMerge(mergedPatientId);
  }

  listPatientMerges(patientId: string): Promise<PatientMergeRecord[]> {
    return this.inner.listPatientMerges(patientId);
  }
}
