import {
  applyMessagePatch,
  catalogErrors,
  checkUpdatable,
  conflictOrder,
  decodePageCursor,
  encodePageCursor,
  filterList,
  linkPair,
  type MessagePatch,
  occurrenceOrder,
  pageLimit,
  queryInstant,
} from '../../catalog-policy';
import { type ContentClaim, claimInForce, type PutMessageOptions } from '../../content-claims';
import { ContentClaimedError, ValidationError } from '../../errors';
import type { PatientConflictRecord, PatientLinkRecord, PatientMergeRecord, PatientOccurrenceRecord } from '../../patient-index/records';
import type { Catalog, ErrorQuery, MessageQuery, Page } from '../../ports/catalog';
import type { ErrorRecord, MessageRecord, MessageStatus, PatientIdentifierRecord } from '../../records';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const copy = <T>(v: T): T => structuredClone(v);

/**
 * Catalog in memory with the port's semantics, the same rules as the SQLite and DynamoDB
 * adapters (catalog-policy.ts; the catalog contract runs against it). For tests of the
 * use-cases; records are copied in and out, as a real store would.
 */
export class MemoryCatalog implements Catalog {
  readonly messages = new Map<string, MessageRecord>();
  readonly errors: ErrorRecord[] = [];
  readonly identifiers = new Map<string, PatientIdentifierRecord>();
  readonly links = new Map<string, PatientLinkRecord>();
  readonly merges = new Map<string, PatientMergeRecord>();
  readonly occurrences = new Map<string, PatientOccurrenceRecord>();
  readonly conflicts = new Map<string, PatientConflictRecord>();
  /** Claims by `source#contentHash`. */
  readonly claims = new Map<string, ContentClaim>();

  async putMessage(record: MessageRecord, options: PutMessageOptions = {}): Promise<void> {
    if (this.messages.has(record.messageId)) throw catalogErrors.exists(record.messageId);
    if (options.claimUntil !== undefined) {
      const key = `${record.source}#${record.contentHash}`;
      const held = claimInForce(this.claims.get(key));
      if (held !== undefined) throw new ContentClaimedError(held.messageId);
      this.claims.set(key, { source: record.source, contentHash: record.contentHash, messageId: record.messageId, expiresAt: options.claimUntil });
    }
    this.messages.set(record.messageId, copy(record));
  }

  async getContentClaim(source: string, contentHash: string): Promise<ContentClaim | undefined> {
    const held = claimInForce(this.claims.get(`${source}#${contentHash}`));
    return held === undefined ? undefined : copy(held);
  }

  async getMessage(messageId: string): Promise<MessageRecord | undefined> {
    const r = this.messages.get(messageId);
    return r === undefined ? undefined : copy(r);
  }

  async updateMessage(messageId: string, patch: MessagePatch, expectedStatus?: MessageStatus): Promise<MessageRecord> {
    const next = applyMessagePatch(checkUpdatable(messageId, this.messages.get(messageId), expectedStatus), patch);
    this.messages.set(messageId, next);
    return copy(next);
  }

  async listMessages(q: MessageQuery): Promise<Page<MessageRecord>> {
    const sources = filterList(q.source);
    const since = q.since === undefined ? undefined : queryInstant(q.since, 'since');
    const until = q.until === undefined ? undefined : queryInstant(q.until, 'until');
    const after = q.cursor === undefined ? undefined : decodePageCursor(q.cursor);
    const limit = pageLimit(q.limit);
    const desc = q.order === 'desc';
    const rows = [...this.messages.values()]
      .filter(
        (r) =>
          (sources === undefined || sources.includes(r.source)) &&
          (q.messageType === undefined || r.messageType === q.messageType) &&
          (q.controlId === undefined || r.controlId === q.controlId) &&
          (q.status === undefined || r.status === q.status) &&
          (q.patientId === undefined || r.patientId === q.patientId) &&
          (since === undefined || r.receivedAt >= since) &&
          (until === undefined || r.receivedAt < until) &&
          (after === undefined || (desc ? r.messageId < after : r.messageId > after)),
      )
      .sort((a, b) => (desc ? byText(b.messageId, a.messageId) : byText(a.messageId, b.messageId)));
    const items = rows.slice(0, limit).map(copy);
    const last = items[items.length - 1];
    return rows.length > limit && last !== undefined ? { items, cursor: encodePageCursor(last.messageId) } : { items };
  }

  async putErrors(records: ErrorRecord[]): Promise<void> {
    this.errors.push(...records.map(copy));
  }

  async listErrors(q: ErrorQuery): Promise<Page<ErrorRecord>> {
    const sources = filterList(q.source);
    const since = q.since === undefined ? undefined : queryInstant(q.since, 'since');
    const desc = q.order === 'desc';
    // The cursor is the next position to look at (descending: the one below the last seen).
    let from = desc ? this.errors.length - 1 : 0;
    if (q.cursor !== undefined) {
      from = Number(decodePageCursor(q.cursor));
      if (!Number.isSafeInteger(from) || from < (desc ? -1 : 0)) throw new ValidationError('cursor is not a cursor of this listing');
    }
    const limit = pageLimit(q.limit);
    const matches: { seq: number; e: ErrorRecord }[] = [];
    for (let seq = from; (desc ? seq >= 0 : seq < this.errors.length) && matches.length <= limit; seq += desc ? -1 : 1) {
      const e = this.errors[seq] as ErrorRecord;
      const source = this.messages.get(e.messageId)?.source;
      if (q.messageId !== undefined && e.messageId !== q.messageId) continue;
      if (q.code !== undefined && e.code !== q.code) continue;
      if (since !== undefined && e.at < since) continue;
      if (sources !== undefined && (source === undefined || !sources.includes(source))) continue;
      matches.push({ seq, e });
    }
    const items = matches.slice(0, limit).map((m) => copy(m.e));
    const last = matches[limit - 1];
    return matches.length > limit && last !== undefined ? { items, cursor: encodePageCursor(String(desc ? last.seq - 1 : last.seq + 1)) } : { items };
  }

  async getPatientIdByIdentifier(identifier: string): Promise<string | undefined> {
    return this.identifiers.get(identifier)?.patientId;
  }

  async listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]> {
    return [...this.identifiers.values()]
      .filter((r) => r.patientId === patientId)
      .sort((a, b) => byText(a.identifier, b.identifier))
      .map(copy);
  }

  async putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void> {
    for (const r of records) if (!this.identifiers.has(r.identifier)) this.identifiers.set(r.identifier, copy(r));
  }

  async putPatientLink(record: PatientLinkRecord): Promise<void> {
    const key = linkPair(record).join('|');
    if (!this.links.has(key)) this.links.set(key, copy(record));
  }

  async listPatientLinks(patientId: string): Promise<PatientLinkRecord[]> {
    return [...this.links.values()]
      .filter((l) => l.patientId === patientId || l.linkedPatientId === patientId)
      .sort((a, b) => byText(a.at, b.at) || byText(linkPair(a).join('|'), linkPair(b).join('|')))
      .map(copy);
  }

  async putPatientMerge(record: PatientMergeRecord): Promise<void> {
    if (!this.merges.has(record.mergedPatientId)) this.merges.set(record.mergedPatientId, copy(record));
  }

  async getPatientMerge(mergedPatientId: string): Promise<PatientMergeRecord | undefined> {
    const m = this.merges.get(mergedPatientId);
    return m === undefined ? undefined : copy(m);
  }

  async listPatientMerges(patientId: string): Promise<PatientMergeRecord[]> {
    return [...this.merges.values()]
      .filter((m) => m.mergedPatientId === patientId || m.survivorPatientId === patientId)
      .sort((a, b) => byText(a.at, b.at) || byText(a.mergedPatientId, b.mergedPatientId))
      .map(copy);
  }

  async putPatientOccurrences(records: PatientOccurrenceRecord[]): Promise<void> {
    for (const r of records) {
      const key = `${r.identifier}\u0000${r.source}`;
      if (!this.occurrences.has(key)) this.occurrences.set(key, copy(r));
    }
  }

  async getPatientOccurrence(identifier: string, source: string): Promise<PatientOccurrenceRecord | undefined> {
    const r = this.occurrences.get(`${identifier}\u0000${source}`);
    return r === undefined ? undefined : copy(r);
  }

  async listPatientOccurrences(patientId: string): Promise<PatientOccurrenceRecord[]> {
    return [...this.occurrences.values()]
      .filter((r) => r.patientId === patientId)
      .sort(occurrenceOrder)
      .map(copy);
  }

  async putPatientConflict(record: PatientConflictRecord): Promise<void> {
    const key = `${record.identifier}\u0000${record.source}`;
    if (!this.conflicts.has(key)) this.conflicts.set(key, copy(record));
  }

  async listPatientConflicts(patientId: string): Promise<PatientConflictRecord[]> {
    return [...this.conflicts.values()]
      .filter((c) => c.patientId === patientId || c.conflictingPatientId === patientId)
      .sort(conflictOrder)
      .map(copy);
  }
}
