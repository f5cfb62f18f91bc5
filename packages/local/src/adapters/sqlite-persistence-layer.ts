import type Database from 'better-sqlite3';
import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError, IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { type GroupCommit, groupCommitOf } from './group-commit';

interface Row {
  id: string;
  status: string;
  expiry: number | null;
  in_progress_expiry: number | null;
  data: string | null;
  validation: string | null;
}

const toRecord = (r: Row): IdempotencyRecord =>
  new IdempotencyRecord({
    idempotencyKey: r.id,
    status: r.status as (typeof IdempotencyRecordStatus)[keyof typeof IdempotencyRecordStatus],
    expiryTimestamp: r.expiry ?? undefined,
    inProgressExpiryTimestamp: r.in_progress_expiry ?? undefined,
    responseData: r.data === null ? undefined : JSON.parse(r.data),
    payloadHash: r.validation ?? undefined,
  });

/**
 * Powertools idempotency persistence on SQLite. The base class holds the policy (key hashing,
 * expiry, validation); this layer only does I/O. `_putRecord` is one conditional statement
 * with DynamoDB's semantics: insert when the key is new, or replace a record that has expired
 * (expiry in seconds) or an in-progress record whose in-progress expiry (ms) has passed;
 * otherwise IdempotencyItemAlreadyExistsError carrying the existing record.
 *
 * Writes go through the connection's group commit: a record is durable when its write
 * resolves, in the same commit as the raw object and the catalog row written beside it. A
 * record read back (a duplicate, a conflict) is returned only once it is durable itself, so
 * a duplicate is never answered with the id of a message a crash could still lose.
 */
export class SqlitePersistenceLayer extends BasePersistenceLayer {
  private readonly group: GroupCommit;
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(db: Database.Database) {
    super();
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, expiry INTEGER, in_progress_expiry INTEGER, data TEXT, validation TEXT)`);
    this.group = groupCommitOf(db);
    this.select = db.prepare('SELECT * FROM idempotency WHERE id = ?');
    this.upsert = db.prepare(
      `INSERT INTO idempotency (id, status, expiry, in_progress_expiry, data, validation) VALUES (@id, @status, @expiry, @inProgressExpiry, NULL, @validation)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, expiry = excluded.expiry, in_progress_expiry = excluded.in_progress_expiry, data = NULL, validation = excluded.validation
         WHERE idempotency.expiry < @nowSeconds OR (idempotency.status = @inProgress AND idempotency.in_progress_expiry IS NOT NULL AND idempotency.in_progress_expiry < @nowMillis)`,
    );
    this.update = db.prepare('UPDATE idempotency SET status = ?, expiry = ?, data = ?, validation = COALESCE(?, validation) WHERE id = ?');
    this.remove = db.prepare('DELETE FROM idempotency WHERE id = ?');
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const row = this.select.get(idempotencyKey) as Row | undefined;
    await this.group.observed();
    if (row === undefined) throw new IdempotencyItemNotFoundError();
    return toRecord(row);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    await this.group.write(() => {
      const result = this.upsert.run({
        id: record.idempotencyKey,
        status: record.getStatus(),
        expiry: record.expiryTimestamp ?? null,
        inProgressExpiry: record.inProgressExpiryTimestamp ?? null,
        validation: record.payloadHash ?? null,
        nowSeconds: now / 1000,
        nowMillis: now,
        inProgress: IdempotencyRecordStatus.INPROGRESS,
      });
      if (result.changes === 0) {
        const existing = this.select.get(record.idempotencyKey) as Row | undefined;
        throw new IdempotencyItemAlreadyExistsError(
          `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
          existing && toRecord(existing),
        );
      }
    });
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    await this.group.write(() =>
      this.update.run(
        record.getStatus(),
        record.expiryTimestamp ?? null,
        record.responseData === undefined ? null : JSON.stringify(record.responseData),
        record.payloadHash ?? null,
        record.idempotencyKey,
      ),
    );
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.group.write(() => this.remove.run(record.idempotencyKey));
  }
}
