import path from 'node:path';
import type Database from 'better-sqlite3';
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import type { CatalogView } from '@hcdl/lake';
import { CATALOG_VIEWS, openCatalog } from './catalog-tables';
import { copyCatalog } from './catalog-copy';
import { defineCatalogFromSnapshot } from './catalog-snapshot';
import { QueryError, SqlError } from './errors';
import { defineFieldsColumns, defineFieldsView, type FieldsViewInfo } from './fields-view';
import { readManifest, type CompactionManifest } from './manifest';
import { definePatientViews } from './patient-views';
import { defineRefinedViews } from './refined-views';
import { defineAuditView } from './audit-view';
import { toResult, type QueryResult } from './result';
import { sqlErrorText } from './sql-error';
import { defineStagingView, freshDocuments, type FreshDocument, type StagingViewInfo } from './staging-view';

export type { QueryResult, ResultColumn } from './result';
export { sqlErrorText } from './sql-error';

export interface QueryEngineOptions {
  dataDir: string;
  /**
   * When to define the `staging` view: 'lazy' (default) on the first SQL that may use it,
   * 'eager' at open. Over a lake never compacted it reads every staging file.
   */
  staging?: 'lazy' | 'eager';
  /** DuckDB worker threads (default: DuckDB's own, the number of cores). */
  threads?: number;
}

/** How the engine read the catalog: the compaction's snapshot plus changes, or a full copy. */
export interface CatalogInfo {
  mode: 'snapshot' | 'copy';
  /** Rows read from SQLite per table: the changes since the snapshot, or every row. */
  rows: Record<CatalogView, number>;
}

/**
 * Which relation a SQL text may use: a false positive only costs defining it; a false
 * negative is impossible, as a query reaches a view only through its name. Listing and
 * describing the catalog defines everything.
 */
const LISTING = /\bshow\b|\bdescribe\b|\bsummarize\b|\bpragma\b|information_schema|duckdb_/i;
const USES = {
  catalog: /messages|errors|patient_|catalog_/i,
  staging: /staging/i,
  fields: /fields/i,
  patients: /patient_messages|patient_survivors/i,
  refined: /fhir_/i,
  audit: /audit/i,
} as const;

/** Changes since the compaction above which `hcdl query` suggests compacting again. */
export const COMPACT_HINT_ROWS = 5000;

/**
 * SQL over the local lake on an in-memory DuckDB: the catalog views (`messages`, `errors`,
 * `patient_identifiers`, `patient_links`, `patient_merges`, `patient_conflicts`, `patient_messages`,
 * `patient_survivors`), `staging` (one row per staging document, `_meta` and `msh` typed) and
 * `fields` (every value at its HL7 position), the refined zone's `fhir_<type>` and
 * `fhir_versions` (refined-views.ts), and `audit` (the audit trail). A compacted lake is read from its Parquet
 * generation plus what changed since; a lake never compacted is copied and scanned. The engine
 * is a snapshot taken at open: open one per command.
 */
export class QueryEngine {
  private stagingInfo: StagingViewInfo | undefined;
  private fieldsInfo: FieldsViewInfo | undefined;
  private catalogInfo: CatalogInfo | undefined;
  private patients = false;
  private refined = false;
  private auditRows: number | undefined;
  private fresh: FreshDocument[] = [];
  /** The lake's relations as defined before the user's statements ran (the audit's "views read"). */
  private lakeRelations: string[] | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    private readonly db: Database.Database,
    readonly dataDir: string,
    readonly manifest: CompactionManifest | undefined,
    /** A compaction by a release without the catalog snapshot is ignored until the next one. */
    readonly legacyCompaction: boolean,
  ) {}

  static async open(options: QueryEngineOptions): Promise<QueryEngine> {
    const dataDir = path.resolve(options.dataDir);
    const db = openCatalog(dataDir);
    let instance: DuckDBInstance | undefined;
    let con: DuckDBConnection | undefined;
    try {
      const { manifest, legacy } = await readManifest(dataDir);
      const config: Record<string, string> = {};
      if (options.threads !== undefined) config.threads = String(options.threads);
      instance = await DuckDBInstance.create(':memory:', config);
      con = await instance.connect();
      // Instants are UTC in the catalog and in `dt`: days and hours come out in UTC too.
      await con.run("SET TimeZone = 'UTC'");
      const engine = new QueryEngine(instance, con, db, dataDir, manifest, legacy);
      // The snapshot costs what changed since the compaction: read it now, the staging and
      // fields views need its list of messages staged since.
      if (manifest !== undefined) await engine.ensureCatalog();
      if (options.staging === 'eager') await engine.ensureStaging();
      return engine;
    } catch (err) {
      con?.closeSync();
      instance?.closeSync();
      db.close();
      if (err instanceof QueryError) throw err;
      throw new QueryError(`cannot open the lake for queries: ${sqlErrorText(err)}`, { cause: err });
    }
  }

  /** How the catalog views were defined; undefined until SQL used them. */
  get catalog(): CatalogInfo | undefined {
    return this.catalogInfo;
  }

  /** How the `staging` view reads the zone; undefined while it is not defined yet. */
  get staging(): StagingViewInfo | undefined {
    return this.stagingInfo;
  }

  /** How the `fields` view reads the zone; undefined while it is not defined yet. */
  get fields(): FieldsViewInfo | undefined {
    return this.fieldsInfo;
  }

  /** Rows read from SQLite per table (changes since the snapshot, or the whole catalog). */
  get catalogRows(): Record<CatalogView, number> | undefined {
    return this.catalogInfo?.rows;
  }

  private async wrap<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof QueryError) throw err;
      throw new QueryError(`cannot define the ${what}: ${sqlErrorText(err)}`, { cause: err });
    }
  }

  async ensureCatalog(): Promise<CatalogInfo> {
    if (this.catalogInfo !== undefined) return this.catalogInfo;
    this.catalogInfo = await this.wrap('catalog views', async () => {
      if (this.manifest === undefined) return { mode: 'copy' as const, rows: await copyCatalog(this.con, this.db) };
      const changes = await defineCatalogFromSnapshot(this.con, this.db, this.dataDir, this.manifest);
      this.fresh = freshDocuments(this.dataDir, changes.staged);
      return { mode: 'snapshot' as const, rows: changes.rows };
    });
    return this.catalogInfo;
  }

  /** Defines the `staging` view if not done yet, and tells how it reads the zone. */
  async ensureStaging(): Promise<StagingViewInfo> {
    if (this.stagingInfo !== undefined) return this.stagingInfo;
    this.stagingInfo = await this.wrap('staging view', () => defineStagingView(this.con, this.dataDir, this.manifest, this.fresh));
    return this.stagingInfo;
  }

  async ensureFields(): Promise<FieldsViewInfo> {
    if (this.fieldsInfo !== undefined) return this.fieldsInfo;
    this.fieldsInfo = await this.wrap('fields view', () => defineFieldsView(this.con, this.dataDir, this.manifest, this.fresh));
    return this.fieldsInfo;
  }

  async ensurePatientViews(): Promise<void> {
    if (this.patients) return;
    await this.ensureCatalog();
    await this.wrap('patient views', () => definePatientViews(this.con));
    this.patients = true;
  }

  /** Defines the refined zone's views (`fhir_<type>`, `fhir_versions`) if not done yet. */
  async ensureRefined(): Promise<void> {
    if (this.refined) return;
    await this.wrap('refined views', () => defineRefinedViews(this.con, this.dataDir));
    this.refined = true;
  }

  /** Defines the `audit` view (the audit trail) if not done yet; answers its rows. */
  async ensureAudit(): Promise<number> {
    if (this.auditRows !== undefined) return this.auditRows;
    this.auditRows = await this.wrap('audit view', () => defineAuditView(this.con, this.db));
    return this.auditRows;
  }

  /** Defines what the SQL may use. */
  private async prepareFor(sql: string): Promise<void> {
    const all = LISTING.test(sql);
    if (all || USES.catalog.test(sql)) await this.ensureCatalog();
    if (all || USES.patients.test(sql)) await this.ensurePatientViews();
    if (all || USES.staging.test(sql)) await this.ensureStaging();
    if (all || USES.refined.test(sql)) await this.ensureRefined();
    if (all || USES.audit.test(sql)) await this.ensureAudit();
    if (USES.fields.test(sql)) await this.ensureFields();
    else if (all && this.fieldsInfo === undefined) {
      // Listing must not walk every document of a lake never compacted: SQL that does not
      // name `fields` cannot read its rows, so its columns are enough (a compacted lake's view is cheap).
      if (this.manifest !== undefined) await this.ensureFields();
      else await this.wrap('fields view', () => defineFieldsColumns(this.con));
    }
  }

  /**
   * Runs SQL: several statements run in order in this session (a view or table one of them
   * creates is there for the next), and the rows of the last one are returned. Nothing runs
   * when any statement does not parse; a statement DuckDB refuses stops the run there. The
   * refusals are SqlError with DuckDB's message (and the statement's number when several).
   */
  async query(sql: string): Promise<QueryResult> {
    await this.prepareFor(sql);
    this.lakeRelations = await this.relations();
    let statements;
    try {
      statements = await this.con.extractStatements(sql);
    } catch (err) {
      const text = sqlErrorText(err);
      // @duckdb/node-api 1.5 reports text with no statement at all (only comments or `;`) so.
      if (text === 'Error in native callback') throw new SqlError('no SQL statement to run', { cause: err });
      throw new SqlError(text.replace(/^Failed to extract statements: /, ''), { cause: err });
    }
    if (statements.count === 0) throw new SqlError('no SQL statement to run');
    let last: DuckDBResultReader | undefined;
    for (let i = 0; i < statements.count; i++) {
      try {
        const prepared = await statements.prepare(i);
        if (i < statements.count - 1) await prepared.run();
        else last = await prepared.runAndReadAll();
      } catch (err) {
        const where = statements.count > 1 ? ` (statement ${i + 1} of ${statements.count})` : '';
        throw new SqlError(`${sqlErrorText(err)}${where}`, { cause: err });
      }
    }
    return toResult(last as DuckDBResultReader);
  }

  /** Names of the relations defined in the session (lake views; after user statements, theirs too). */
  private async relations(): Promise<string[]> {
    const reader = await this.con.runAndReadAll('SELECT DISTINCT table_name FROM information_schema.tables ORDER BY table_name');
    return reader.getRows().map((r) => String(r[0]));
  }

  /**
   * The lake views a SQL text names (whole words, any case), for the audit trail. A view named
   * only in a string literal or a comment is listed too: the list says what the SQL may have
   * read, never less. Relations the SQL itself created are not lake views and are left out.
   */
  async viewsNamed(sql: string): Promise<string[]> {
    const known = this.lakeRelations ?? (await this.relations().catch(() => [] as string[]));
    const words = new Set((sql.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase()));
    return known.filter((name) => words.has(name.toLowerCase()));
  }

  /** Advice for stderr when this session read much that a compaction would have spared. */
  get hint(): string | undefined {
    if (this.legacyCompaction) return 'the lake was compacted by an older release and is read from JSON; run `hcdl compact` again';
    const changed = this.catalogInfo?.mode === 'snapshot' ? CATALOG_VIEWS.reduce((n, v) => n + (this.catalogInfo?.rows[v] ?? 0), 0) : 0;
    const walked = Math.max(this.stagingInfo?.freshFiles ?? 0, this.fieldsInfo?.walkedFiles ?? 0, changed);
    if (this.manifest !== undefined && walked >= COMPACT_HINT_ROWS) {
      return `${walked} catalog rows or documents changed since the last compaction were read one by one; \`hcdl compact\` makes queries fast again`;
    }
    const copied = this.catalogInfo?.mode === 'copy' ? (this.catalogInfo.rows.messages ?? 0) : 0;
    if (this.manifest === undefined && (copied >= COMPACT_HINT_ROWS || (this.stagingInfo?.mode === 'json' && this.fieldsInfo !== undefined))) {
      return 'the lake is not compacted: every query copies the catalog and reads each staging file; `hcdl compact` makes queries fast';
    }
    return undefined;
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
    this.db.close();
  }
}
