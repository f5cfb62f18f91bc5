import type { PatientIdentifierRecord } from '../../src/records';
import type { PatientLinkRecord, PatientMergeRecord } from '../../src/patient-index/records';
import type { Catalog } from '../../src/ports/catalog';

/** The catalog methods the patient index and its lookups use. */
export type PatientCatalog = Pick<
  Catalog,
  | 'getPatientIdByIdentifier'
  | 'listIdentifiersOfPatient'
  | 'putPatientIdentifiers'
  | 'putPatientLink'
  | 'listPatientLinks'
  | 'putPatientMerge'
  | 'getPatientMerge'
  | 'listPatientMerges'
>;

/**
 * An in-memory stand-in for the catalog's patient tables, with the port's documented
 * semantics (insert-if-absent identifiers, one link per unordered pair, one merge per merged
 * patient). @hcdl/lake cannot depend on the SQLite adapter; packages/local runs the same
 * scenarios on SQLite (packages/local/test/patient-index.test.ts).
 */
export class MemoryPatientCatalog implements PatientCatalog {
  readonly identifiers = new Map<string, PatientIdentifierRecord>();
  readonly links: PatientLinkRecord[] = [];
  readonly merges = new Map<string, PatientMergeRecord>();

  async getPatientIdByIdentifier(identifier: string): Promise<string | undefined> {
    return this.identifiers.get(identifier)?.patientId;
  }

  async listIdentifiersOfPatient(patientId: string): Promise<PatientIdentifierRecord[]> {
    return [...this.identifiers.values()]
      .filter((r) => r.patientId === patientId)
      .sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
  }

  async putPatientIdentifiers(records: PatientIdentifierRecord[]): Promise<void> {
    for (const r of records) if (!this.identifiers.has(r.identifier)) this.identifiers.set(r.identifier, { ...r });
  }

  async putPatientLink(record: PatientLinkRecord): Promise<void> {
    const same = (l: PatientLinkRecord): boolean =>
      (l.patientId === record.patientId && l.linkedPatientId === record.linkedPatientId) ||
      (l.patientId === record.linkedPatientId && l.linkedPatientId === record.patientId);
    if (!this.links.some(same)) this.links.push({ ...record });
  }

  async listPatientLinks(patientId: string): Promise<PatientLinkRecord[]> {
    return this.links.filter((l) => l.patientId === patientId || l.linkedPatientId === patientId).sort((a, b) => a.at.localeCompare(b.at));
  }

  async putPatientMerge(record: PatientMergeRecord): Promise<void> {
    if (!this.merges.has(record.mergedPatientId)) this.merges.set(record.mergedPatientId, { ...record, priorIdentifiers: [...record.priorIdentifiers] });
  }

  async getPatientMerge(mergedPatientId: string): Promise<PatientMergeRecord | undefined> {
    return this.merges.get(mergedPatientId);
  }

  async listPatientMerges(patientId: string): Promise<PatientMergeRecord[]> {
    return [...this.merges.values()]
      .filter((m) => m.mergedPatientId === patientId || m.survivorPatientId === patientId)
      .sort((a, b) => a.at.localeCompare(b.at));
  }
}
