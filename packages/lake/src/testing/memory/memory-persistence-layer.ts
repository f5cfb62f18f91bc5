import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError, IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

interface Stored {
  status: (typeof IdempotencyRecordStatus)[keyof typeof IdempotencyRecordStatus];
  expiry?: number;
  inProgressExpiry?: number;
  data?: string;
  validation?: string;
}

/**
 * Powertools idempotency persistence in memory, with the DynamoDB layer's semantics (the
 * idempotency contract runs against it): a put takes a new key, or replaces an expired record
 * or an in-progress record whose in-progress expiry has passed; otherwise it fails with the
 * existing record.
 */
export class MemoryPersistenceLayer extends BasePersistenceLayer {
  readonly records = new Map<string, Stored>();

  private toRecord(key: string, s: Stored): IdempotencyRecord {
    return new IdempotencyRecord({
      idempotencyKey: key,
      status: s.status,
      expiryTimestamp: s.expiry,
      inProgressExpiryTimestamp: s.inProgressExpiry,
      responseData: s.data === undefined ? undefined : JSON.parse(s.data),
      payloadHash: s.validation,
    });
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const s = this.records.get(idempotencyKey);
    if (s === undefined) throw new IdempotencyItemNotFoundError();
    return this.toRecord(idempotencyKey, s);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    const existing = this.records.get(record.idempotencyKey);
    const replaceable =
      existing === undefined ||
      (existing.expiry !== undefined && existing.expiry < now / 1000) ||
      (existing.status === IdempotencyRecordStatus.INPROGRESS && existing.inProgressExpiry !== undefined && existing.inProgressExpiry < now);
    if (!replaceable) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        this.toRecord(record.idempotencyKey, existing),
      );
    }
    const stored: Stored = { status: record.getStatus() };
    if (record.expiryTimestamp !== undefined) stored.expiry = record.expiryTimestamp;
    if (record.inProgressExpiryTimestamp !== undefined) stored.inProgressExpiry = record.inProgressExpiryTimestamp;
    if (record.payloadHash !== undefined) stored.validation = record.payloadHash;
    this.records.set(record.idempotencyKey, stored);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const s = this.records.get(record.idempotencyKey);
    if (s === undefined) return;
    s.status = record.getStatus();
    if (record.expiryTimestamp !== undefined) s.expiry = record.expiryTimestamp;
    if (record.responseData !== undefined) s.data = JSON.stringify(record.responseData);
    if (record.payloadHash !== undefined) s.validation = record.payloadHash;
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}
