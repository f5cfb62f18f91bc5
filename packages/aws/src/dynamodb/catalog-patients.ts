import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { linkPair, type PatientIdentifierRecord, type PatientLinkRecord, type PatientMergeRecord } from '@hcdl/lake';
import { forEachLimited, getItem, putIfAbsent, putItem } from './conditional';
import { identifierKey, ItemKind, linkKey, mergeKey, patientIdentifierKey, patientPk, recordOf, survivorMergeKey, type Item } from './items';

/** Parallel conditional writes per putPatientIdentifiers call. */
const WRITE_WIDTH = 8;

/**
 * The patient index on the catalog table. Every fact has ONE canonical item written with a
 * create-once condition (identifier -> patient, the ordered pair of a link, the merged
 * patient of a merge) and a copy in the other patient's partition so that "everything of a
 * patient" is one strongly consistent Query. The copy is written after the canonical item,
 * and re-written from the canonical item whenever a later put finds it already there: a
 * crash between the two writes is repaired by the next put of the same fact (core-writer
 * retries), and concurrent puts all converge on the one canonical record. No transactions
 * are needed (and DynamoDB-compatible test servers lack them).
 */
export class CatalogPatients {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getPatientIdByIdentifier(identifier: string): Promise<string | undefined> {
    const item = await getItem(this.doc, this.table, identifierKey(identifier));
    return item === undefined ? undefined : recordOf<PatientIdentifierRecord>(item).patientId;
  }

  async listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]> {
    return (await this.partition(patientId, 'IDENT#')).map((i) => recordOf<PatientIdentifierRecord>(i));
  }

  async putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void> {
    // The first row of an identifier in the batch wins, as in an ordered insert.
    const firsts = new Map<string, PatientIdentifierRecord>();
    for (const r of records) if (!firsts.has(r.identifier)) firsts.set(r.identifier, r);
    await forEachLimited([...firsts.values()], WRITE_WIDTH, async (r) => {
      const created = await putIfAbsent(this.doc, this.table, { ...r, ...identifierKey(r.identifier), kind: ItemKind.Identifier });
      const owner = created ? r : await this.identifierRecord(r.identifier);
      if (owner !== undefined)
        await putItem(this.doc, this.table, { ...owner, ...patientIdentifierKey(owner.patientId, owner.identifier), kind: ItemKind.PatientIdentifier });
    });
  }

  async putPatientLink(record: PatientLinkRecord): Promise<void> {
    // The canonical item lives with the smaller patient id, keyed by the larger one.
    const [a, b] = linkPair(record);
    const created = await putIfAbsent(this.doc, this.table, { ...record, ...linkKey(a, b), kind: ItemKind.Link });
    const stored = created ? record : await this.linkRecord(a, b);
    if (stored !== undefined && a !== b) await putItem(this.doc, this.table, { ...stored, ...linkKey(b, a), kind: ItemKind.Link });
  }

  async listPatientLinks(patientId: string): Promise<PatientLinkRecord[]> {
    const links = (await this.partition(patientId, 'LINK#')).map((i) => recordOf<PatientLinkRecord>(i));
    const pairOf = (l: PatientLinkRecord): string => [l.patientId, l.linkedPatientId].sort().join('\u0000');
    return links.sort((x, y) => cmp(x.at, y.at) || cmp(pairOf(x), pairOf(y)));
  }

  async putPatientMerge(record: PatientMergeRecord): Promise<void> {
    const created = await putIfAbsent(this.doc, this.table, { ...record, ...mergeKey(record.mergedPatientId), kind: ItemKind.Merge });
    const stored = created ? record : await this.getPatientMerge(record.mergedPatientId);
    if (stored !== undefined && stored.survivorPatientId !== stored.mergedPatientId) {
      await putItem(this.doc, this.table, { ...stored, ...survivorMergeKey(stored.survivorPatientId, stored.mergedPatientId), kind: ItemKind.Merge });
    }
  }

  async getPatientMerge(mergedPatientId: string): Promise<PatientMergeRecord | undefined> {
    const item = await getItem(this.doc, this.table, mergeKey(mergedPatientId));
    return item === undefined ? undefined : recordOf<PatientMergeRecord>(item);
  }

  async listPatientMerges(patientId: string): Promise<PatientMergeRecord[]> {
    // `MERGED` (this patient was merged) and `MERGE#<merged>` (it survived them) share the prefix.
    const merges = (await this.partition(patientId, 'MERGE')).map((i) => recordOf<PatientMergeRecord>(i));
    return merges.sort((x, y) => cmp(x.at, y.at) || cmp(x.mergedPatientId, y.mergedPatientId));
  }

  private async identifierRecord(identifier: string): Promise<PatientIdentifierRecord | undefined> {
    const item = await getItem(this.doc, this.table, identifierKey(identifier));
    return item === undefined ? undefined : recordOf<PatientIdentifierRecord>(item);
  }

  private async linkRecord(a: string, b: string): Promise<PatientLinkRecord | undefined> {
    const item = await getItem(this.doc, this.table, linkKey(a, b));
    return item === undefined ? undefined : recordOf<PatientLinkRecord>(item);
  }

  /** Items of a patient's partition whose sort key starts with `prefix`, in sort-key order. */
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

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
