import {
  CatalogConflictError,
  MessageStatus,
  errorRow,
  messageRow,
  patientIdentifierRow,
  type Catalog,
  type CatalogRow,
  type ErrorQuery,
  type ErrorRecord,
  type MessageQuery,
  type MessageRecord,
  type ObjectStore,
  type Page,
  type PatientIdentifierRecord,
  type PatientLinkRecord,
  type PatientMergeRecord,
} from '@hcdl/lake';
import { CatalogMirrorError } from './errors';
import { errorMirrorKey, messageMirrorKey, patientIdentifiersMirrorKey, type CatalogMirrorView } from './keys';

type MessagePatch = Partial<Omit<MessageRecord, 'messageId' | 'source' | 'receivedAt'>>;

/** Rows as newline-delimited JSON (what Athena's JSON SerDe reads): one object per line. */
const ndjson = (rows: readonly CatalogRow[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

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
 * Links and merges are not mirrored (no Athena view of them yet).
 */
export class MirroredCatalog implements Catalog {
  constructor(
    private readonly inner: Catalog,
    private readonly objectStore: ObjectStore,
  ) {}

  /**
   * A new row is mirrored once it has an outcome (staged or error), not while it waits for
   * staging: that saves one S3 PUT per message (docs/aws-calls.md); the messages view shows
   * a message from the moment its staging ends, seconds after it was received.
   */
  async putMessage(record: MessageRecord): Promise<void> {
    await this.mirrorOnConflict(record.messageId, () => this.inner.putMessage(record));
    if (record.status !== MessageStatus.Ingested) await this.mirrorMessage(record);
  }

  async updateMessage(messageId: string, patch: MessagePatch, expectedStatus?: MessageStatus): Promise<MessageRecord> {
    const updated = await this.mirrorOnConflict(messageId, () => this.inner.updateMessage(messageId, patch, expectedStatus));
    await this.mirrorMessage(updated);
    // The attempt's diagnostics are in the catalog by now (putErrors comes first, and a retry
    // skips it when they are): their file is written here, once per failed attempt.
    if (updated.status === MessageStatus.Error) await this.mirrorErrors(updated, new Set([updated.attempts]));
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
        if (stored !== undefined) await this.mirrorMessage(stored);
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
      await this.mirrorPatient(patientId, new Set(mine.map((r) => r.identifier)), new Set(mine.map((r) => r.firstSeenMessageId)));
    }
  }

  putPatientLink(record: PatientLinkRecord): Promise<void> {
    return this.inner.putPatientLink(record);
  }

  putPatientMerge(record: PatientMergeRecord): Promise<void> {
    return this.inner.putPatientMerge(record);
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

  private async mirrorMessage(record: MessageRecord): Promise<void> {
    await this.write('messages', record.messageId, () => messageMirrorKey(record.source, record.messageId), [messageRow(record)]);
  }

  /** Rewrites the file of each attempt with every diagnostic the catalog holds for it (none: no file). */
  private async mirrorErrors(message: MessageRecord, attempts: ReadonlySet<number>): Promise<void> {
    const { messageId } = message;
    const all: ErrorRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.inner.listErrors({ messageId, ...(cursor !== undefined ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
    for (const attempt of [...attempts].sort((a, b) => a - b)) {
      const rows = all.filter((e) => e.attempt === attempt).map(errorRow);
      if (rows.length === 0) continue;
      await this.write('errors', messageId, () => errorMirrorKey(message.source, messageId, attempt), rows);
    }
  }

  /**
   * Writes the files of the identifiers this call recorded, from the patient's rows in the
   * catalog. One file per first-seen message: an identifier the call did not insert (it was
   * known, maybe for another patient) was first seen in another message, whose file already
   * holds it and never changes (identifiers are only ever inserted), so it is not rewritten.
   * A retry of the same call rewrites the same file.
   */
  private async mirrorPatient(patientId: string, identifiers: ReadonlySet<string>, messages: ReadonlySet<string>): Promise<void> {
    const stored = await this.inner.listIdentifiersOfPatient(patientId);
    const touched = new Set(stored.filter((r) => identifiers.has(r.identifier) && messages.has(r.firstSeenMessageId)).map((r) => r.firstSeenMessageId));
    for (const messageId of [...touched].sort()) {
      const rows = stored.filter((r) => r.firstSeenMessageId === messageId).map(patientIdentifierRow);
      await this.write('patient_identifiers', messageId, () => patientIdentifiersMirrorKey(patientId, messageId), rows);
    }
  }

  private async write(view: CatalogMirrorView, messageId: string, key: () => string, rows: readonly CatalogRow[]): Promise<void> {
    try {
      await this.objectStore.put({ key: key(), body: ndjson(rows), contentType: 'application/x-ndjson' });
    } catch (err) {
      throw new CatalogMirrorError(`cannot mirror ${view} of message ${messageId} to the lake bucket`, view, { cause: err });
    }
  }
}
