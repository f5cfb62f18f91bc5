import { createHash } from 'node:crypto';
import os from 'node:os';
import { AuditAction, AuditOutcome, type AuditRecord, newMessageId } from '@hcdl/lake';
import { acquireDatabase, releaseDatabase } from '../adapters/local-adapters';
import { SqliteAuditTrail } from '../adapters/sqlite-audit-trail';
import { QueryError, SqlError } from './errors';
import { catalogFile } from './paths';

/** SHA-256 (hex) of a query's SQL text, exactly as given: the record never holds the text. */
export const sqlSha256 = (sql: string): string => createHash('sha256').update(sql, 'utf8').digest('hex');

/** The OS account running the command (`os:<name>`): a local query has no token, the file's reader is whoever runs it. */
export function osPrincipal(): string {
  let name: string | undefined;
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry for the uid (a container's arbitrary user): the environment's name, else the uid.
    name = process.env.USER ?? process.env.LOGNAME ?? (typeof process.getuid === 'function' ? `uid-${process.getuid()}` : undefined);
  }
  return `os:${name !== undefined && name !== '' ? name : 'unknown'}`;
}

/** What a query run came to: its rows, or the error that stopped it. */
export type QueryRun = { rows: number } | { error: unknown };

function outcomeOf(run: QueryRun): AuditOutcome {
  if ('rows' in run) return AuditOutcome.Success;
  if (run.error instanceof SqlError) return AuditOutcome.Invalid;
  return AuditOutcome.Error;
}

/**
 * The audit record of one `hcdl query` run (docs/adr/0016): who (the OS user), from where (the
 * host), what (the lake views the SQL names, the SHA-256 of its text, the rows answered),
 * when and the outcome (success; invalid: the SQL was refused; error: the lake could not be
 * read). The SQL text is not kept: a WHERE clause may hold a patient identifier.
 */
export function queryAuditRecord(sql: string, views: readonly string[], run: QueryRun, at: Date = new Date()): AuditRecord {
  const record: AuditRecord = {
    auditId: newMessageId(at.getTime()),
    at: at.toISOString(),
    principal: osPrincipal(),
    client: os.hostname(),
    action: AuditAction.Query,
    method: 'SQL',
    route: 'hcdl query',
    entityType: 'view',
    entityIds: [...views],
    outcome: outcomeOf(run),
    status: 0,
    sqlSha256: sqlSha256(sql),
  };
  if ('rows' in run) record.count = run.rows;
  return record;
}

/**
 * Appends a record to the trail in the lake's SQLite file, durable when it resolves (the
 * lake's own write path: group commit, WAL sync; a running lake's writes are waited for on
 * SQLite's lock). A QueryError when the trail cannot take it: the caller then prints nothing.
 */
export async function appendToLakeTrail(dataDir: string, record: AuditRecord): Promise<void> {
  let db;
  try {
    db = acquireDatabase(catalogFile(dataDir));
  } catch (err) {
    throw new QueryError('the query could not be recorded in the audit trail (the catalog cannot be opened for writing)', { cause: err });
  }
  try {
    await new SqliteAuditTrail(db).append(record);
  } catch (err) {
    throw new QueryError('the query could not be recorded in the audit trail', { cause: err });
  } finally {
    await releaseDatabase(db);
  }
}
