import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { claimInForce, type ContentClaim, type PutMessageOptions } from '@hcdl/lake';
import { getClaim, putMessageClaiming } from './content-claims';
import {
  catalogErrors,
  checkUpdatable,
  decodePageCursor as decodeCursor,
  encodePageCursor as encodeCursor,
  pageLimit,
  planMessagePatch,
  type Catalog,
  type ErrorQuery,
  type ErrorRecord,
  type MessagePatch,
  type MessageQuery,
  type MessageRecord,
  type MessageStatus,
  type Page,
  type PatientConflictRecord,
  type PatientIdentifierRecord,
  type PatientLinkRecord,
  type PatientMergeRecord,
  type PatientOccurrenceRecord,
} from '@hcdl/lake';
import { CatalogErrors } from './catalog-errors';
import { CatalogIdentity } from './catalog-identity';
import { CatalogPatients } from './catalog-patients';
import { getItem, isConditionFailed } from './conditional';
import { messageItem, messageKey, messagesOfPatient, messagesOfStatus, recordOf } from './items';
import { planMessageQuery } from './message-query';
import { orderedQuery } from './ordered-query';

/**
 * Catalog on one DynamoDB table (layout: catalog-schema.ts). Message rows are created with
 * a condition (`attribute_not_exists`), status transitions are conditional updates, reads of
 * one row are strongly consistent; listings go through the GSIs. Errors and the patient
 * index are in catalog-errors.ts, catalog-patients.ts and catalog-identity.ts.
 */
export class DynamoCatalog implements Catalog {
  private readonly errors: CatalogErrors;
  private readonly patients: CatalogPatients;
  private readonly identity: CatalogIdentity;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.errors = new CatalogErrors(doc, table);
    this.patients = new CatalogPatients(doc, table);
    this.identity = new CatalogIdentity(doc, table);
  }

  async putMessage(record: MessageRecord, options: PutMessageOptions = {}): Promise<void> {
    if (options.claimUntil !== undefined) return putMessageClaiming(this.doc, this.table, record, options.claimUntil);
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: messageItem(record), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (isConditionFailed(err)) throw catalogErrors.exists(record.messageId, err);
      throw err;
    }
  }

  async getContentClaim(source: string, contentHash: string): Promise<ContentClaim | undefined> {
    return claimInForce(await getClaim(this.doc, this.table, source, contentHash));
  }

  async getMessage(messageId: string): Promise<MessageRecord | undefined> {
    const item = await getItem(this.doc, this.table, messageKey(messageId));
    return item === undefined ? undefined : recordOf<MessageRecord>(item);
  }

  async updateMessage(messageId: string, patch: MessagePatch, expectedStatus?: MessageStatus): Promise<MessageRecord> {
    const { set, remove } = planMessagePatch(patch);
    // GSI keys follow the indexed fields.
    if (typeof set.status === 'string') set.gsi2pk = messagesOfStatus(set.status);
    if (typeof set.patientId === 'string') Object.assign(set, { gsi3pk: messagesOfPatient(set.patientId), gsi3sk: messageId });
    if (remove.includes('patientId')) remove.push('gsi3pk', 'gsi3sk');
    if (Object.keys(set).length === 0 && remove.length === 0) return this.unchanged(messageId, expectedStatus);

    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const name = (k: string): string => {
      const n = `#a${Object.keys(names).length}`;
      names[n] = k;
      return n;
    };
    const sets = Object.entries(set).map(([k, v], i) => ((values[`:v${i}`] = v), `${name(k)} = :v${i}`));
    const removes = remove.map((k) => name(k));
    let condition = 'attribute_exists(pk)';
    if (expectedStatus !== undefined) {
      names['#expected'] = 'status';
      values[':expected'] = expectedStatus;
      condition += ' AND #expected = :expected';
    }
    const update = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: messageKey(messageId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return recordOf<MessageRecord>(out.Attributes ?? {});
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const current = await this.getMessage(messageId);
      if (current === undefined) throw catalogErrors.notFound(messageId, err);
      throw catalogErrors.wrongStatus(messageId, current.status, expectedStatus, err);
    }
  }

  /** An empty patch changes nothing but still answers NotFound / conflict as an update would. */
  private async unchanged(messageId: string, expectedStatus: MessageStatus | undefined): Promise<MessageRecord> {
    return checkUpdatable(messageId, await this.getMessage(messageId), expectedStatus);
  }

  async listMessages(q: MessageQuery): Promise<Page<MessageRecord>> {
    const limit = pageLimit(q.limit);
    const plan = planMessageQuery(q, q.cursor === undefined ? undefined : decodeCursor(q.cursor));
    const page = await orderedQuery(this.doc, this.table, { ...plan, orderKey: (item) => String(item.messageId), limit, descending: q.order === 'desc' });
    const result: Page<MessageRecord> = { items: page.items.map((i) => recordOf<MessageRecord>(i)) };
    if (page.next !== undefined) result.cursor = encodeCursor(page.next);
    return result;
  }

  putErrors(records: ErrorRecord[]): Promise<void> {
    return this.errors.putErrors(records);
  }

  listErrors(query: ErrorQuery): Promise<Page<ErrorRecord>> {
    return this.errors.listErrors(query);
  }

  getPatientIdByIdentifier(identifier: string): Promise<string | undefined> {
    return this.patients.getPatientIdByIdentifier(identifier);
  }

  listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]> {
    return this.patients.listIdentifiersOfPatient(patientId);
  }

  putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void> {
    return this.patients.putPatientIdentifiers(records);
  }

  putPatientLink(record: PatientLinkRecord): Promise<void> {
    return this.patients.putPatientLink(record);
  }

  listPatientLinks(patientId: string): Promise<PatientLinkRecord[]> {
    return this.patients.listPatientLinks(patientId);
  }

  putPatientMerge(record: PatientMergeRecord): Promise<void> {
    return this.patients.putPatientMerge(record);
  }

  getPatientMerge(mergedPatientId: string): Promise<PatientMergeRecord | undefined> {
    return this.patients.getPatientMerge(mergedPatientId);
  }

  listPatientMerges(patientId: string): Promise<PatientMergeRecord[]> {
    return this.patients.listPatientMerges(patientId);
  }

  putPatientOccurrences(records: PatientOccurrenceRecord[]): Promise<void> {
    return this.identity.putPatientOccurrences(records);
  }

  getPatientOccurrence(identifier: string, source: string): Promise<PatientOccurrenceRecord | undefined> {
    return this.identity.getPatientOccurrence(identifier, source);
  }

  listPatientOccurrences(patientId: string): Promise<PatientOccurrenceRecord[]> {
    return this.identity.listPatientOccurrences(patientId);
  }

  putPatientConflict(record: PatientConflictRecord): Promise<void> {
    return this.identity.putPatientConflict(record);
  }

  listPatientConflicts(patientId: string): Promise<PatientConflictRecord[]> {
    return this.identity.listPatientConflicts(patientId);
  }
}
