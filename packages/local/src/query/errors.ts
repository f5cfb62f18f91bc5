/** Errors of the SQL query side (DuckDB over the local lake). */
export class QueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueryError';
  }
}

/** DuckDB refused the SQL (parser, binder, catalog or conversion error): the user's to fix. */
export class SqlError extends QueryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqlError';
  }
}

/** The data folder holds no lake (no catalog): queried or compacted by mistake, most likely. */
export class LakeNotFoundError extends QueryError {
  constructor(
    readonly dataDir: string,
    reason = 'no catalog.db',
  ) {
    super(`no lake at ${dataDir} (${reason}); give the lake's data folder with --data-dir or HCDL_DATA_DIR`);
    this.name = 'LakeNotFoundError';
  }
}

/** Writing the Parquet zone failed; the previous compaction (if any) is left in place. */
export class CompactError extends QueryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CompactError';
  }
}

/**
 * Text of an error. DuckDB's native errors may come from another realm (jest's vm contexts),
 * where `instanceof Error` fails and String() would prefix "Error: ": read `message` instead.
 */
export function errorText(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

/** First line of a DuckDB error, without the "Possible solutions" advice that follows. */
export function firstLine(err: unknown): string {
  const text = errorText(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}
