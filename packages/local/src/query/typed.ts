/**
 * DuckDB forms of the typed staging columns (`_meta`, `msh`) whose shape @hcdl/hl7v2 gives
 * for every engine (segmentSqlShape, META_SQL_SHAPE): the column type, and the expression
 * that turns the column's JSON into it the way Athena's OpenX JSON SerDe reads the same
 * document with the Glue type (infra/src/stacks/analytics.ts).
 */
import { META_SQL_SHAPE, segmentSqlShape, type SqlShape } from '@hcdl/hl7v2';
import { QueryError } from './errors';
import { ident, lit } from './paths';

/** DuckDB type of a shape: VARCHAR leaves, STRUCT, LIST (`T[]`). */
export function duckdbType(shape: SqlShape): string {
  switch (shape.kind) {
    case 'text':
      return 'VARCHAR';
    case 'integer':
      return 'INTEGER';
    case 'list':
      return `${duckdbType(shape.element)}[]`;
    case 'struct':
      return `STRUCT(${shape.fields.map((f) => `${ident(f.name)} ${duckdbType(f.shape)}`).join(', ')})`;
  }
}

/** The structure argument of json_transform for a shape. */
function transformSpec(shape: SqlShape): unknown {
  switch (shape.kind) {
    case 'text':
      return 'VARCHAR';
    case 'integer':
      return 'INTEGER';
    case 'list':
      return [transformSpec(shape.element)];
    case 'struct':
      return Object.fromEntries(shape.fields.map((f) => [f.name, transformSpec(f.shape)]));
  }
}

/**
 * `expr` (a JSON object) turned into the shape. json_transform reads a string or an object
 * declared VARCHAR as its text, as the SerDe does; unlike the SerDe it reads a single value
 * where a list is declared as NULL, so list fields holding one value (a version where the
 * field does not repeat) are first wrapped into a one-element array with json_merge_patch.
 * An absent field gives a null member, which the patch leaves absent.
 */
export function typedJson(expr: string, shape: SqlShape): string {
  if (shape.kind !== 'struct') throw new QueryError('a typed staging column must be a struct');
  const lists = shape.fields.filter((f) => f.shape.kind === 'list').map((f) => f.name);
  const path = (name: string): string => lit(`$.${JSON.stringify(name)}`);
  const isList = (n: string): string => `coalesce(json_type(${expr}, ${path(n)}) IN ('ARRAY', 'NULL'), true)`;
  // Most documents need no wrapping: patch only those that do (the patch rewrites the object).
  // Reading the list fields as JSON in the one json_transform and fixing them afterwards
  // (struct_update, with or without a lambda binding the struct) measured 2-4 times slower
  // over read_json, where the staging view reads: the json_type tests are cheap beside it.
  const wrapped =
    lists.length === 0
      ? expr
      : `CASE WHEN ${lists.map(isList).join(' AND ')} THEN ${expr} ELSE json_merge_patch(${expr}, json_object(${lists
          .map((n) => `${lit(n)}, CASE WHEN ${isList(n)} THEN json_extract(${expr}, ${path(n)}) ELSE json_array(json_extract(${expr}, ${path(n)})) END`)
          .join(', ')})) END`;
  return `json_transform(${wrapped}, ${lit(JSON.stringify(transformSpec(shape)))})`;
}

/**
 * Staging columns typed instead of JSON, with their shapes (the rest stay JSON): those a
 * compaction recorded, else derived from the dictionary.
 */
export function typedColumns(recorded?: Readonly<Record<string, SqlShape>>): ReadonlyMap<string, SqlShape> {
  if (recorded !== undefined) return new Map(Object.entries(recorded));
  const msh = segmentSqlShape('MSH');
  if (msh === undefined) throw new QueryError('the HL7 dictionary has no MSH segment');
  return new Map([
    ['_meta', META_SQL_SHAPE],
    ['msh', msh],
  ]);
}
