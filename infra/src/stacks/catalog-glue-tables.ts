import { GlueCatalogTable, type GlueCatalogTableStorageDescriptorColumns } from '@cdktf/provider-aws/lib/glue-catalog-table';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { CATALOG_VIEW_COLUMNS, PATIENT_IDENTIFIER_PARTS, type CatalogColumnType } from '@hcdl/lake';
import type { Construct } from 'constructs';
import { ZonePrefix } from '../zones';

/** Glue (Hive) type of each DuckDB type the local views use. */
export const GLUE_TYPES: Record<CatalogColumnType, string> = {
  VARCHAR: 'string',
  INTEGER: 'int',
  BIGINT: 'bigint',
  TIMESTAMPTZ: 'timestamp',
  'VARCHAR[]': 'array<string>',
};

/** The catalog views mirrored for Athena, each with the zone prefix of its files. */
export const MIRRORED_VIEWS = {
  messages: {
    prefix: ZonePrefix.CatalogMessages,
    partitioned: true,
    description: 'One row per message: the catalog, latest state (as the local `messages` view)',
  },
  errors: { prefix: ZonePrefix.CatalogErrors, partitioned: true, description: 'Every diagnostic of every staging attempt (as the local `errors` view)' },
  patient_identifiers: {
    prefix: ZonePrefix.CatalogPatientIdentifiers,
    partitioned: false,
    description: 'Patient identifier cross-reference (as the local `patient_identifiers` view)',
  },
  patient_links: {
    prefix: ZonePrefix.CatalogPatientLinks,
    partitioned: false,
    description: 'Patients a message bridged, kept for review (as the local `patient_links` view)',
  },
  patient_merges: { prefix: ZonePrefix.CatalogPatientMerges, partitioned: false, description: 'Applied merges (as the local `patient_merges` view)' },
  patient_conflicts: {
    prefix: ZonePrefix.CatalogPatientConflicts,
    partitioned: false,
    description: 'Identifiers whose demographics disagreed, kept for review instead of a link (as the local `patient_conflicts` view)',
  },
} as const;
export type MirroredView = keyof typeof MIRRORED_VIEWS;

/**
 * ISO-8601 instants as the catalog records hold them (`2024-01-02T03:04:05.678Z`), in Joda
 * patterns for the Hive JSON SerDe; `ZZ` also reads a literal `Z` as UTC.
 */
export const CATALOG_TIMESTAMP_FORMATS = "yyyy-MM-dd'T'HH:mm:ss.SSSZZ,yyyy-MM-dd'T'HH:mm:ssZZ";

export interface CatalogGlueTablesProps {
  databaseName: string;
  lakeBucket: S3Bucket;
  /** Source ids of the `source` projection; none: `injected` (queries must name the source). */
  sources: readonly string[];
}

const col = (name: string, type: string): GlueCatalogTableStorageDescriptorColumns => ({ name, type });

/**
 * The data columns of a view: the shared ones of @hcdl/lake typed for Glue, plus the
 * identifier parts. A partitioned table leaves out `source`: Hive refuses a data column named
 * like a partition key, and the `source` partition holds the same value.
 */
export function viewColumns(view: MirroredView): GlueCatalogTableStorageDescriptorColumns[] {
  const partitioned: boolean = MIRRORED_VIEWS[view].partitioned;
  const columns = CATALOG_VIEW_COLUMNS[view].filter((c) => !(partitioned && c.name === 'source')).map((c) => col(c.name, GLUE_TYPES[c.type]));
  return view === 'patient_identifiers' ? [...columns, ...PATIENT_IDENTIFIER_PARTS.map((p) => col(p, 'string'))] : columns;
}

/**
 * Glue tables `messages`, `errors` and `patient_identifiers` over the catalog mirror that
 * the catalog's writers (core-writer; the front door for rejected input) keep under
 * `catalog/` (NDJSON rows with the local views' snake_case columns),
 * so `hcdl query --athena` answers the same SQL as the local engine. `messages` and `errors`
 * are partitioned by source and day with partition projection; `patient_identifiers` is not
 * (Athena reads every file under its location, one folder per patient).
 */
export function createCatalogGlueTables(scope: Construct, props: CatalogGlueTablesProps): Record<MirroredView, GlueCatalogTable> {
  const { databaseName, lakeBucket: lake, sources } = props;
  const tables = {} as Record<MirroredView, GlueCatalogTable>;
  for (const [view, spec] of Object.entries(MIRRORED_VIEWS) as [MirroredView, (typeof MIRRORED_VIEWS)[MirroredView]][]) {
    const location = `s3://${lake.bucket}/${spec.prefix}`;
    const projection: Record<string, string> = spec.partitioned
      ? {
          'projection.enabled': 'true',
          ...(sources.length > 0
            ? { 'projection.source.type': 'enum', 'projection.source.values': sources.join(',') }
            : { 'projection.source.type': 'injected' }),
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2020-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          // `$${x}` is Terraform's escape for the literal `${x}` Athena substitutes.
          'storage.location.template': `${location}source=$\${source}/dt=$\${dt}/`,
        }
      : {};
    tables[view] = new GlueCatalogTable(scope, `catalog-${view}`, {
      databaseName,
      name: view,
      description: spec.description,
      tableType: 'EXTERNAL_TABLE',
      parameters: { classification: 'json', EXTERNAL: 'TRUE', ...projection },
      ...(spec.partitioned ? { partitionKeys: [col('source', 'string'), col('dt', 'string')] } : {}),
      storageDescriptor: {
        location,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serDeInfo: {
          name: `catalog-${view}-json`,
          serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe',
          parameters: { 'timestamp.formats': CATALOG_TIMESTAMP_FORMATS },
        },
        columns: viewColumns(view),
      },
    });
  }
  return tables;
}
