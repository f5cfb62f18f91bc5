import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflictOrder, occurrenceOrder, type PatientConflictRecord, type PatientOccurrenceRecord } from '@hcdl/lake';
import { forEachLimited, getItem, putIfAbsent, putItem } from './conditional';
import { conflictKey, ItemKind, occurrenceKey, patientConflictKey, patientOccurrenceKey, patientPk, recordOf, type Item } from './items';

/** Parallel conditional writes per putPatientOccurrences call. */
const WRITE_WIDTH = 8;

/**
 * Identifier occurrences and demographic conflicts on the catalog table, the same way as the
 * rest of the patient index (catalog-patients.ts): one canonical item written create-once
 * (keyed by identifier and source), then a copy in each patient's partition re-written from
 * the canonical item, so a crash between the writes is repaired by the next put.
 */
export class CatalogIdentity {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putPatientOccurrences(records: PatientOccurrenceRecord[]): Promise<void> {
    const firsts = new Map<string, PatientOccurrenceRecord>();
    for (const r of records) {
      const k = `${r.identifier}\u0000${r.source}`;
      if (!firsts.has(k)) firsts.set(k, r);
    }
    await forEachLimited([...firsts.values()], WRITE_WIDTH, async (r) => {
      const created = await putIfAbsent(this.doc, this.table, { ...r, ...occurrenceKey(r.identifier, r.source), kind: ItemKind.Occurrence });
      const stored = created ? r : await this.getPatientOccurrence(r.identifier, r.source);
      if (stored !== undefined)
        await putItem(this.doc, this.table, {
          ...stored,
          ...patientOccurrenceKey(stored.patientId, stored.identifier, stored.source),
          kind: ItemKind.Occurrence,
        });
    });
  }

  async getPatientOccurrence(identifier: string, source: string): Promise<PatientOccurrenceRecord | undefined> {
    const item = await getItem(this.doc, this.table, occurrenceKey(identifier, source));
    return item === undefined ? undefined : recordOf<PatientOccurrenceRecord>(item);
  }

  async listPatientOccurrences(patientId: string): Promise<PatientOccurrenceRecord[]> {
    return (await this.partition(patientId, 'OCCUR#')).map((i) => recordOf<PatientOccurrenceRecord>(i)).sort(occurrenceOrder);
  }

  async putPatientConflict(record: PatientConflictRecord): Promise<void> {
    const created = await putIfAbsent(this.doc, this.table, { ...record, ...conflictKey(record.identifier, record.source), kind: ItemKind.Conflict });
    const item = created ? undefined : await getItem(this.doc, this.table, conflictKey(record.identifier, record.source));
    const stored = item === undefined ? record : recordOf<PatientConflictRecord>(item);
    for (const p of new Set([stored.patientId, stored.conflictingPatientId])) {
      await putItem(this.doc, this.table, { ...stored, ...patientConflictKey(p, stored.identifier, stored.source), kind: ItemKind.Conflict });
    }
  }

  async listPatientConflicts(patientId: string): Promise<PatientConflictRecord[]> {
    return (await this.partition(patientId, 'CONFLICT#')).map((i) => recordOf<PatientConflictRecord>(i)).sort(conflictOrder);
  }

  /** Items of a patient's partition whose sort key starts with `prefix`. */
  private async partition(patientId: string, prefix: string): Promise<Item[]> {
    const out: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': patientPk(patientId), ':prefix': prefix },
          ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out;
  }
}
