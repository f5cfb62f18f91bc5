import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { loadCatalogTables } from './catalog-tables';
import { errorText, QueryError, SqlError } from './errors';
import { defineStagingView, type StagingViewInfo } from './staging-view';

/** One column of a result: its name and DuckDB type (`JSON` for JSON values). */
export interface ResultColumn {
  name: string;
  type: string;
}

/**
 * A query result with plain JSON values: integers as numbers (as strings beyond 2^53),
 * JSON columns parsed, dates and timestamps as ISO-like strings, NULL as null.
 */
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
}

export interface QueryEngineOptions {
  dataDir: string;
  /** DuckDB worker threads (default: DuckDB's own, the number of cores). */
  threads?: number;
}

const INTEGER = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);

const isJson = (t: DuckDBType): boolean => t.alias === 'JSON';

function toValue(v: unknown, t: DuckDBType): unknown {
  if (v === null || v === undefined) return null;
  if (isJson(t) && typeof v === 'string') {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  if (typeof v === 'string' && INTEGER.has(t.toString())) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v;
}

/**
 * DuckDB's message without the "Possible solutions" advice it appends: the error kind, the
 * reason and, for parser and binder errors, the `LINE n:` excerpt with its caret.
 */
export function sqlErrorText(err: unknown): string {
  return errorText(err).split(/\n\s*\nPossible solutions:|\nPossible solutions:/)[0]!.trimEnd();
}

/**
 * SQL over the local lake on an in-memory DuckDB: the catalog tables (`messages`, `errors`,
 * `patient_identifiers`, `patient_links`, `patient_merges`) copied from SQLite when the
 * engine opens, and the `staging` view over the staging zone (Parquet when compacted).
 * The engine is a snapshot of the catalog at open; open one per command.
 */
export class QueryEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    /** Rows copied from the catalog, per table. */
    readonly catalogRows: Record<string, number>,
    readonly staging: StagingViewInfo,
  ) {}

  static async open(options: QueryEngineOptions): Promise<QueryEngine> {
    const dataDir = path.resolve(options.dataDir);
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    let con: DuckDBConnection | undefined;
    try {
      con = await instance.connect();
      // Instants are UTC in the catalog and in `dt`: days and hours come out in UTC too.
      await con.run("SET TimeZone = 'UTC'");
      const catalogRows = await loadCatalogTables(con, dataDir);
      const staging = await defineStagingView(con, dataDir);
      return new QueryEngine(instance, con, catalogRows, staging);
    } catch (err) {
      con?.closeSync();
      instance.closeSync();
      if (err instanceof QueryError) throw err;
      throw new QueryError(`cannot open the lake for queries: ${sqlErrorText(err)}`, { cause: err });
    }
  }

  /** Runs SQL (the last statement's rows are returned); DuckDB's refusals become SqlError. */
  async query(sql: string): Promise<QueryResult> {
    let reader;
    try {
      reader = await this.con.runAndReadAll(sql);
    } catch (err) {
      throw new SqlError(sqlErrorText(err), { cause: err });
    }
    const types = reader.columnTypes();
    const columns = reader.columnNames().map((name, i) => ({ name, type: isJson(types[i]!) ? 'JSON' : types[i]!.toString() }));
    const rows = reader.getRowsJson().map((row) => row.map((v, i) => toValue(v, types[i]!)));
    return { columns, rows };
  }

  /** Runs a statement for its effect (used by compaction). */
  async run(sql: string): Promise<void> {
    await this.con.run(sql);
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}
