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

/** A member read as raw JSON (only inside typedJson). */
const RAW = { kind: 'json' } as unknown as SqlShape;

/** The structure argument of json_transform for a shape. */
function transformSpec(shape: SqlShape): unknown {
  if ((shape as { kind: string }).kind === 'json') return 'JSON';
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
 * where a list is declared as NULL, so the list fields are first read as JSON and then made
 * lists: an array as it is, a single value (a version where the field does not repeat) as a
 * one-element list. The object is parsed once.
 */
export function typedJson(expr: string, shape: SqlShape): string {
  if (shape.kind !== 'struct') throw new QueryError('a typed staging column must be a struct');
  const lists = shape.fields.filter((f): f is { name: string; shape: Extract<SqlShape, { kind: 'list' }> } => f.shape.kind === 'list');
  if (lists.length === 0) return `json_transform(${expr}, ${lit(JSON.stringify(transformSpec(shape)))})`;
  const raw: SqlShape = {
    kind: 'struct',
    fields: shape.fields.map((f) => (f.shape.kind === 'list' ? { name: f.name, shape: RAW } : f)),
  };
  const read = `json_transform(${expr}, ${lit(JSON.stringify(transformSpec(raw)))})`;
  const updates = lists.map(({ name, shape: list }) => {
    const v = `s.${ident(name)}`;
    const element = lit(JSON.stringify(transformSpec(list.element)));
    const all = lit(JSON.stringify(transformSpec(list)));
    return `${ident(name)} := CASE WHEN coalesce(json_type(${v}), 'NULL') = 'NULL' THEN NULL::${duckdbType(list)} WHEN json_type(${v}) = 'ARRAY' THEN json_transform(${v}, ${all}) ELSE [json_transform(${v}, ${element})] END`;
  });
  // A lambda binds the parsed struct once: written out, each use of it would be parsed again
  // (DuckDB inlines a view's expressions where a filter uses them).
  return `list_transform([${read}], lambda s: struct_update(s, ${updates.join(', ')}))[1]`;
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
