import {
  type Catalog,
  type CatalogRow,
  errorRow,
  type ErrorRecord,
  type MessageRecord,
  messageRow,
  type ObjectStore,
  patientIdentifierRow,
  patientLinkRow,
  patientConflictRow,
  patientMergeRow,
} from '@hcdl/lake';
import { CatalogMirrorError } from './errors';
import {
  type CatalogMirrorView,
  errorMirrorKey,
  patientConflictsMirrorKey,
  messageMirrorKey,
  patientIdentifiersMirrorKey,
  patientLinkMirrorKey,
  patientMergeMirrorKey,
} from './keys';

/** Rows as newline-delimited JSON (what Athena's JSON SerDe reads): one object per line. */
const ndjson = (rows: readonly CatalogRow[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

type MirrorReads = Pick<
  Catalog,
  'listErrors' | 'listIdentifiersOfPatient' | 'listPatientLinks' | 'getPatientMerge' | 'listPatientMerges' | 'listPatientConflicts'
>;

/**
 * Writes the mirror files of catalog rows (layout in ./keys) from the catalog's state, never
 * from a call's arguments: what is written is what is true, and writing again rewrites the
 * same file. Used by MirroredCatalog after each catalog write, and by the backfill for rows
 * catalogued before the mirror existed.
 */
export class CatalogMirrorWriter {
  constructor(
    private readonly catalog: MirrorReads,
    private readonly objectStore: Pick<ObjectStore, 'put'>,
  ) {}

  async message(record: MessageRecord): Promise<void> {
    await this.write('messages', record.messageId, () => messageMirrorKey(record.source, record.messageId), [messageRow(record)]);
  }

  /** Rewrites the file of each attempt with every diagnostic the catalog holds for it (none: no file). */
  async errors(message: MessageRecord, attempts?: ReadonlySet<number>): Promise<number> {
    const { messageId } = message;
    const all: ErrorRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.catalog.listErrors({ messageId, ...(cursor !== undefined ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
    const wanted = attempts ?? new Set(all.map((e) => e.attempt));
    let files = 0;
    for (const attempt of [...wanted].sort((a, b) => a - b)) {
      const rows = all.filter((e) => e.attempt === attempt).map(errorRow);
      if (rows.length === 0) continue;
      await this.write('errors', messageId, () => errorMirrorKey(message.source, messageId, attempt), rows);
      files++;
    }
    return files;
  }

  /**
   * The identifier files of a patient, one per first-seen message. `only`: the identifiers
   * and first-seen messages a call recorded (an identifier first seen in another message is
   * in that message's file already, which never changes: identifiers are only ever inserted);
   * absent: every file of the patient (the backfill).
   */
  async patient(patientId: string, only?: { identifiers: ReadonlySet<string>; messages: ReadonlySet<string> }): Promise<number> {
    const stored = await this.catalog.listIdentifiersOfPatient(patientId);
    const mine = only === undefined ? stored : stored.filter((r) => only.identifiers.has(r.identifier) && only.messages.has(r.firstSeenMessageId));
    const touched = new Set(mine.map((r) => r.firstSeenMessageId));
    for (const messageId of [...touched].sort()) {
      const rows = stored.filter((r) => r.firstSeenMessageId === messageId).map(patientIdentifierRow);
      await this.write('patient_identifiers', messageId, () => patientIdentifiersMirrorKey(patientId, messageId), rows);
    }
    return touched.size;
  }

  /** The links of a patient (either side) as the catalog keeps them; `other`: only the link with that patient. */
  async links(patientId: string, other?: string): Promise<number> {
    const links = (await this.catalog.listPatientLinks(patientId)).filter((l) => other === undefined || l.linkedPatientId === other || l.patientId === other);
    for (const link of links) {
      await this.write('patient_links', link.messageId, () => patientLinkMirrorKey(link.patientId, link.linkedPatientId), [patientLinkRow(link)]);
    }
    return links.length;
  }

  /** The merge that retired `mergedPatientId`, when there is one. */
  async merge(mergedPatientId: string): Promise<number> {
    const merge = await this.catalog.getPatientMerge(mergedPatientId);
    if (merge === undefined) return 0;
    await this.write('patient_merges', merge.messageId, () => patientMergeMirrorKey(merge.mergedPatientId), [patientMergeRow(merge)]);
    return 1;
  }

  /** Every merge a patient took part in, as merged or as survivor (the backfill). */
  async merges(patientId: string): Promise<number> {
    const merges = await this.catalog.listPatientMerges(patientId);
    for (const merge of merges) {
      await this.write('patient_merges', merge.messageId, () => patientMergeMirrorKey(merge.mergedPatientId), [patientMergeRow(merge)]);
    }
    return merges.length;
  }

  /**
   * The conflicts of a patient, one file per (conflicting patient, message): every conflict
   * the catalog keeps for that pair. `messageId`: only that message's file; absent: every
   * file of the patient as the conflicting one (the backfill).
   */
  async conflicts(conflictingPatientId: string, messageId?: string): Promise<number> {
    const mine = (await this.catalog.listPatientConflicts(conflictingPatientId)).filter((c) => c.conflictingPatientId === conflictingPatientId);
    const messages = new Set(mine.map((c) => c.messageId).filter((m) => messageId === undefined || m === messageId));
    for (const m of [...messages].sort()) {
      const rows = mine.filter((c) => c.messageId === m).map(patientConflictRow);
      await this.write('patient_conflicts', m, () => patientConflictsMirrorKey(conflictingPatientId, m), rows);
    }
    return messages.size;
  }

  private async write(view: CatalogMirrorView, messageId: string, key: () => string, rows: readonly CatalogRow[]): Promise<void> {
    try {
      await this.objectStore.put({ key: key(), body: ndjson(rows), contentType: 'application/x-ndjson' });
    } catch (err) {
      throw new CatalogMirrorError(`cannot mirror ${view} of message ${messageId} to the lake bucket`, view, { cause: err });
    }
  }
}
