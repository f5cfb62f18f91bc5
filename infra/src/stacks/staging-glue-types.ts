import type { GlueCatalogTableStorageDescriptorColumns } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { META_SQL_SHAPE, segmentSqlShape, STAGING_LEAF_COLUMNS, type SqlShape } from '@hcdl/hl7v2';

/**
 * Glue (Hive) types of the typed staging columns and of the `fields` rows, from the shapes
 * @hcdl/hl7v2 gives for every engine: the local DuckDB views declare the same ones
 * (packages/local/src/query/typed.ts, fields-view.ts). Athena's OpenX JSON SerDe reads a
 * single value where an array is declared as a one-element array and an object where a
 * string is declared as its JSON text, which is what the local engine does too.
 */

/** `parquet/fields/source=/type=/segment=/`: the `fields` rows as a compaction writes them (none runs on AWS yet). */
export const FIELDS_PREFIX = 'parquet/fields/';

/** Glue type of a shape; struct member names in lower case (Hive's). */
export function glueType(shape: SqlShape): string {
  switch (shape.kind) {
    case 'text':
      return 'string';
    case 'integer':
      return 'int';
    case 'list':
      return `array<${glueType(shape.element)}>`;
    case 'struct':
      return `struct<${shape.fields.map((f) => `${f.name.toLowerCase()}:${glueType(f.shape)}`).join(',')}>`;
  }
}

/** The MSH struct: every field of every dictionary version, text leaves. */
export function mshGlueType(): string {
  const msh = segmentSqlShape('MSH');
  if (msh === undefined) throw new Error('the HL7 dictionary has no MSH segment');
  return glueType(msh);
}

export const META_GLUE_TYPE = glueType(META_SQL_SHAPE);

const col = (name: string, type: string, comment?: string): GlueCatalogTableStorageDescriptorColumns => ({
  name,
  type,
  ...(comment !== undefined ? { comment } : {}),
});

/** Data columns of `fields` (its partitions are source, type and segment). */
export const FIELDS_COLUMNS: GlueCatalogTableStorageDescriptorColumns[] = [
  col('message_id', 'string'),
  col('dt', 'date', 'day received (UTC)'),
  ...STAGING_LEAF_COLUMNS.filter((c) => c.name !== 'segment').map((c) => col(c.name, c.kind === 'integer' ? 'int' : 'string')),
];
