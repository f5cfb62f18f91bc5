import { DuckDBArrayType, DuckDBListType, DuckDBStructType, type DuckDBResultReader, type DuckDBType } from '@duckdb/node-api';

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

export function toResult(reader: DuckDBResultReader): QueryResult {
  const types = reader.columnTypes();
  const columns = reader.columnNames().map((name, i) => ({ name, type: isJson(types[i]!) ? 'JSON' : types[i]!.toString() }));
  const rows = reader.getRowsJson().map((row) => row.map((v, i) => toValue(v, types[i]!)));
  return { columns, rows };
}
