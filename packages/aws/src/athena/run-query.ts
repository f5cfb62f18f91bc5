import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClientConfig,
  type ColumnInfo,
  type QueryExecution,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { AthenaQueryError, AthenaSqlError, AthenaTimeoutError } from './errors';

export interface AthenaQueryOptions {
  workgroup: string;
  database: string;
  /** Data catalog (default AwsDataCatalog, Athena's own default). */
  catalog?: string;
  /** Give up (and stop the query) after this long; default 5 minutes. */
  timeoutMs?: number;
  /** First wait between GetQueryExecution polls; doubles up to maxPollMs. Default 250. */
  pollMs?: number;
  maxPollMs?: number;
  /** Rows per GetQueryResults page (Athena allows up to 1000). */
  pageSize?: number;
  /** Waiting and the clock, for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Same shape as the local engine's result: columns with their type, rows of JSON values. */
export interface AthenaQueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  queryExecutionId: string;
  /** Bytes Athena scanned (what the query is billed on). */
  dataScannedBytes?: number;
}

export const createAthenaClient = (config: AthenaClientConfig = {}): AthenaClient => new AthenaClient(config);

const INTEGER = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT = new Set(['double', 'float', 'real']);

/** Athena returns every value as text; give numbers, booleans and JSON their JSON type. */
export function athenaValue(text: string | undefined, type: string): unknown {
  if (text === undefined) return null;
  const t = type.toLowerCase();
  if (INTEGER.has(t)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (FLOAT.has(t)) return Number(text);
  if (t === 'boolean') return text === 'true';
  if (t === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitForQuery(client: AthenaClient, id: string, o: AthenaQueryOptions): Promise<QueryExecution> {
  const sleep = o.sleep ?? realSleep;
  const now = o.now ?? Date.now;
  const deadline = now() + (o.timeoutMs ?? 5 * 60_000);
  let wait = o.pollMs ?? 250;
  for (;;) {
    const { QueryExecution: q } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = q?.Status?.State;
    if (state === 'SUCCEEDED') return q as QueryExecution;
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason = q?.Status?.StateChangeReason ?? `query ${state.toLowerCase()}`;
      if (state === 'FAILED' && q?.Status?.AthenaError?.ErrorCategory === 2) throw new AthenaSqlError(reason, id);
      throw new AthenaQueryError(`Athena query ${id} ${state.toLowerCase()}: ${reason}`, id);
    }
    if (now() >= deadline) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
      throw new AthenaTimeoutError(`Athena query ${id} did not finish in ${o.timeoutMs ?? 300_000} ms; it was stopped`, id);
    }
    await sleep(wait);
    wait = Math.min(wait * 2, o.maxPollMs ?? 2000);
  }
}

/**
 * Runs SQL on Athena in a workgroup (whose enforced configuration sets the encrypted result
 * location): StartQueryExecution, poll GetQueryExecution with backoff until it ends, then read
 * every GetQueryResults page. For a SELECT the first row of the first page repeats the
 * column names and is skipped.
 */
export async function runAthenaQuery(client: AthenaClient, sql: string, o: AthenaQueryOptions): Promise<AthenaQueryResult> {
  const input: StartQueryExecutionCommandInput = {
    QueryString: sql,
    WorkGroup: o.workgroup,
    QueryExecutionContext: { Database: o.database, ...(o.catalog !== undefined ? { Catalog: o.catalog } : {}) },
  };
  let id: string | undefined;
  try {
    ({ QueryExecutionId: id } = await client.send(new StartQueryExecutionCommand(input)));
  } catch (err) {
    // Athena answers a statement it cannot parse with InvalidRequestException right away.
    if ((err as { name?: string }).name === 'InvalidRequestException') throw new AthenaSqlError((err as Error).message, undefined, { cause: err });
    throw new AthenaQueryError(`cannot start the Athena query: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (id === undefined) throw new AthenaQueryError('Athena returned no query execution id');
  const execution = await waitForQuery(client, id, o);
  let columnInfo: ColumnInfo[] | undefined;
  const rows: unknown[][] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: o.pageSize ?? 1000, ...(token !== undefined ? { NextToken: token } : {}) }),
    );
    columnInfo ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    const pageRows = page.ResultSet?.Rows ?? [];
    const skip = first && execution.StatementType === 'DML' ? 1 : 0;
    for (const r of pageRows.slice(skip)) rows.push(columnInfo.map((c, i) => athenaValue(r.Data?.[i]?.VarCharValue, c.Type ?? 'varchar')));
    token = page.NextToken;
    first = false;
  } while (token !== undefined);
  const result: AthenaQueryResult = {
    columns: (columnInfo ?? []).map((c) => ({ name: c.Name ?? '', type: (c.Type ?? 'varchar').toUpperCase() })),
    rows,
    queryExecutionId: id,
  };
  const scanned = execution.Statistics?.DataScannedInBytes;
  if (scanned !== undefined) result.dataScannedBytes = scanned;
  return result;
}
