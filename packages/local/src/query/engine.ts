import path from 'node:path';
import { DuckDBArrayType, DuckDBInstance, DuckDBListType, DuckDBStructType, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { loadCatalogTables } from './catalog-tables';
import { errorText, QueryError, SqlError } from './errors';
import { defineStagingView, type StagingViewInfo } from './staging-view';
import { defineRefinedViews } from './refined-views';

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
  /**
   * When to define the `staging` view, whose JSON variant reads every staging file to find
   * the columns: 'lazy' (default) on the first SQL that may use it, 'eager' at open.
   */
  staging?: 'lazy' | 'eager';
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
  // Nested values: a list of JSON (`obx->'$[*].observation_value'`) or a struct holding JSON.
  if ((t instanceof DuckDBListType || t instanceof DuckDBArrayType) && Array.isArray(v)) return v.map((x) => toValue(x, t.valueType));
  if (t instanceof DuckDBStructType && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(t.entryNames.map((name, i) => [name, toValue(o[name], t.entryTypes[i]!)]));
  }
  return v;
}

/**
 * DuckDB's message without the "Possible solutions" advice it appends: the error kind, the
 * reason and, for parser and binder errors, the `LINE n:` excerpt with its caret.
 */
export function sqlErrorText(err: unknown): string {
  return errorText(err)
    .split(/\n\s*\nPossible solutions:|\nPossible solutions:/)[0]!
    .trimEnd();
}

/**
 * SQL that may read the staging view: names it, or lists or describes what exists. A false
 * positive only costs the view's definition; a false negative is impossible, as a query can
 * only reach the view through its name.
 */
const MAY_USE_STAGING = /staging|\bshow\b|\bdescribe\b|\bsummarize\b|\bpragma\b|information_schema|duckdb_/i;

/**
 * SQL over the local lake on an in-memory DuckDB: the catalog tables (`messages`, `errors`,
 * `patient_identifiers`, `patient_links`, `patient_merges`) copied from SQLite when the
 * engine opens, and the `staging` view over the staging zone (Parquet when compacted).
 * The engine is a snapshot of the catalog at open; open one per command.
 */
export class QueryEngine {
  private stagingInfo: Promise<StagingViewInfo> | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    private readonly dataDir: string,
    /** Rows copied from the catalog, per table. */
    readonly catalogRows: Record<string, number>,
  ) {}

  private defined: StagingViewInfo | undefined;

  /** How the `staging` view reads the zone; undefined while it is not defined yet. */
  get staging(): StagingViewInfo | undefined {
    return this.defined;
  }

  /** Defines the `staging` view if not done yet, and tells how it reads the zone. */
  ensureStaging(): Promise<StagingViewInfo> {
    this.stagingInfo ??= defineStagingView(this.con, this.dataDir)
      .then((info) => (this.defined = info))
      .catch((err: unknown) => {
        this.stagingInfo = undefined;
        if (err instanceof QueryError) throw err;
        throw new QueryError(`cannot define the staging view: ${sqlErrorText(err)}`, { cause: err });
      });
    return this.stagingInfo;
  }

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
      await defineRefinedViews(con, dataDir);
      const engine = new QueryEngine(instance, con, dataDir, catalogRows);
      if (options.staging === 'eager') await engine.ensureStaging();
      return engine;
    } catch (err) {
      con?.closeSync();
      instance.closeSync();
      if (err instanceof QueryError) throw err;
      throw new QueryError(`cannot open the lake for queries: ${sqlErrorText(err)}`, { cause: err });
    }
  }

  /** Runs SQL (the last statement's rows are returned); DuckDB's refusals become SqlError. */
  async query(sql: string): Promise<QueryResult> {
    if (MAY_USE_STAGING.test(sql)) await this.ensureStaging();
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

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}
