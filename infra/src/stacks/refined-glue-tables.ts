import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  DELETED_TAG,
  FHIR_RESOURCE_TYPES,
  REFINED_FHIR_PREFIX,
  REFINED_VERSIONS_VIEW,
  REFINED_VIEW_COLUMNS,
  type RefinedColumnType,
  refinedViewName,
} from '@hcdl/lake';
import type { Construct } from 'constructs';

/** The table under the views: one row per object of the refined zone, its JSON text in `doc`. */
export const REFINED_OBJECTS_TABLE = 'refined_objects';

/** Each column type of the refined views as Glue (Hive) and Athena (Trino) name it. */
export const REFINED_TYPES: Record<RefinedColumnType, { glue: string; trino: string }> = {
  VARCHAR: { glue: 'string', trino: 'varchar' },
  INTEGER: { glue: 'int', trino: 'integer' },
  TIMESTAMPTZ: { glue: 'timestamp', trino: 'timestamp(3) with time zone' },
  BOOLEAN: { glue: 'boolean', trino: 'boolean' },
  JSON: { glue: 'string', trino: 'json' },
};

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const doc = (jsonPath: string): string => `json_extract_scalar(doc, ${lit(jsonPath)})`;

/** The typed columns of one version row of a type (DuckDB's refined-views.ts, in Trino SQL). */
function versionSelect(database: string, resourceType: string): string {
  const patient =
    resourceType === 'Patient'
      ? doc('$.id')
      : `nullif(regexp_extract(coalesce(${doc('$.subject.reference')}, ${doc('$.patient.reference')}, ${doc('$.beneficiary.reference')}), '^Patient/(.+)$', 1), '')`;
  return [
    `SELECT ${lit(resourceType)} AS resource_type`,
    `${doc('$.id')} AS id`,
    `CAST(${doc('$.meta.versionId')} AS integer) AS version_id`,
    `from_iso8601_timestamp(${doc('$.meta.lastUpdated')}) AS last_updated`,
    `regexp_extract(${doc('$.meta.source')}, '^urn:hcdl:message:(.+)$', 1) AS message_id`,
    `${patient} AS patient_id`,
    `coalesce(${doc('$.meta.tag[0].system')} = ${lit(DELETED_TAG.system)} AND ${doc('$.meta.tag[0].code')} = ${lit(DELETED_TAG.code)}, false) AS deleted`,
    `json_parse(doc) AS resource FROM "${database}"."${REFINED_OBJECTS_TABLE}" WHERE resource_type = ${lit(resourceType)}`,
  ].join(', ');
}

const VIEW_COLUMNS = REFINED_VIEW_COLUMNS.map((c) => c.name);
const VERSION_COLUMNS = ['resource_type', ...VIEW_COLUMNS.slice(0, -1), 'deleted', 'resource'];

/** The SQL of `fhir_<type>`: the current version of each resource, deletes left out. */
export function typeViewSql(database: string, resourceType: string): string {
  return `SELECT ${VIEW_COLUMNS.join(', ')} FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY version_id DESC) AS latest FROM (${versionSelect(database, resourceType)})) WHERE latest = 1 AND NOT deleted`;
}

/** The SQL of `fhir_versions`: every version of every type. */
export function versionsViewSql(database: string): string {
  return FHIR_RESOURCE_TYPES.map((t) => `SELECT ${VERSION_COLUMNS.join(', ')} FROM (${versionSelect(database, t)})`).join(' UNION ALL ');
}

type ViewColumn = { name: string; type: RefinedColumnType };

/**
 * A view as Athena stores it in the Glue catalog: a VIRTUAL_VIEW whose original text is the
 * "Presto View" document (SQL and Trino column types, base64) and whose columns are Hive types.
 */
function athenaView(scope: Construct, id: string, props: { database: string; name: string; description: string; sql: string; columns: ViewColumn[] }) {
  const document = {
    originalSql: props.sql,
    catalog: 'awsdatacatalog',
    schema: props.database,
    columns: props.columns.map((c) => ({ name: c.name, type: REFINED_TYPES[c.type].trino })),
  };
  return new GlueCatalogTable(scope, id, {
    databaseName: props.database,
    name: props.name,
    description: props.description,
    tableType: 'VIRTUAL_VIEW',
    parameters: { presto_view: 'true', comment: 'Presto View' },
    viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(document), 'utf8').toString('base64')} */`,
    viewExpandedText: '/* Presto View */',
    storageDescriptor: { columns: props.columns.map((c) => ({ name: c.name, type: REFINED_TYPES[c.type].glue })) },
  });
}

export interface RefinedGlueTablesProps {
  /** The Glue database name (a literal: the views' SQL names it). */
  databaseName: string;
  lakeBucket: S3Bucket;
}

export interface RefinedGlueTables {
  objects: GlueCatalogTable;
  /** `fhir_<type>` by resource type, and `fhir_versions`. */
  views: Record<string, GlueCatalogTable>;
}

/**
 * The refined zone for Athena, the same views as DuckDB's (`@hcdl/lake` refined-views.ts):
 * `refined_objects` reads every object under `refined/fhir/<Type>/` as one line of JSON text
 * (the relay writes each version as one `JSON.stringify` line), partitioned by resource type
 * with partition projection; `fhir_<type>` and `fhir_versions` are Athena views over it.
 */
export function createRefinedGlueTables(scope: Construct, props: RefinedGlueTablesProps): RefinedGlueTables {
  const { databaseName, lakeBucket } = props;
  const location = `s3://${lakeBucket.bucket}/${REFINED_FHIR_PREFIX}`;
  const objects = new GlueCatalogTable(scope, 'refined-objects', {
    databaseName,
    name: REFINED_OBJECTS_TABLE,
    description: 'Every object of the refined zone (a FHIR R4 resource version, or a delete tombstone) as JSON text',
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'json',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      'projection.resource_type.type': 'enum',
      'projection.resource_type.values': FHIR_RESOURCE_TYPES.join(','),
      // `$${x}` is Terraform's escape for the literal `${x}` Athena substitutes.
      'storage.location.template': `${location}$\${resource_type}/`,
    },
    partitionKeys: [{ name: 'resource_type', type: 'string', comment: 'FHIR resource type (refined/fhir/<Type>/)' }],
    storageDescriptor: {
      location,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serDeInfo: {
        name: 'refined-text',
        serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
        // The whole line is one column: JSON text never holds a raw control character.
        parameters: { 'field.delim': '\u0001', 'serialization.format': '\u0001' },
      },
      columns: [{ name: 'doc', type: 'string', comment: 'the object: one FHIR resource as JSON text' }],
    },
  });
  const views: Record<string, GlueCatalogTable> = {};
  const typed: ViewColumn[] = REFINED_VIEW_COLUMNS.map((c) => ({ name: c.name, type: c.type }));
  for (const type of FHIR_RESOURCE_TYPES) {
    const name = refinedViewName(type);
    views[name] = athenaView(scope, `view-${name}`, {
      database: databaseName,
      name,
      description: `Current ${type} resources, deletes left out (as the local ${name} view)`,
      sql: typeViewSql(databaseName, type),
      columns: typed,
    });
    views[name].node.addDependency(objects);
  }
  const [resource] = typed.slice(-1);
  views[REFINED_VERSIONS_VIEW] = athenaView(scope, 'view-fhir-versions', {
    database: databaseName,
    name: REFINED_VERSIONS_VIEW,
    description: 'Every version of every FHIR resource, deletes included (as the local fhir_versions view)',
    sql: versionsViewSql(databaseName),
    columns: [{ name: 'resource_type', type: 'VARCHAR' }, ...typed.slice(0, -1), { name: 'deleted', type: 'BOOLEAN' }, resource as ViewColumn],
  });
  views[REFINED_VERSIONS_VIEW].node.addDependency(objects);
  return { objects, views };
}
