import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { AUDIT_COLUMNS } from '@hcdl/lake';
import type { Construct } from 'constructs';
import { ZonePrefix } from '../zones';
import { CATALOG_TIMESTAMP_FORMATS, GLUE_TYPES } from './catalog-glue-tables';

/**
 * The Glue table `audit` over the audit trail's objects (`audit/dt=<day>/<auditId>.json`, one
 * JSON record each, written by the API functions: packages/aws ObjectAuditTrail), with the
 * columns of the local `audit` view (AUDIT_COLUMNS), partitioned by day with partition
 * projection: `hcdl query --athena` answers the same SQL as the local engine (docs/adr/0016).
 */
export function createAuditGlueTable(scope: Construct, props: { databaseName: string; lakeBucket: S3Bucket }): GlueCatalogTable {
  const location = `s3://${props.lakeBucket.bucket}/${ZonePrefix.Audit}`;
  return new GlueCatalogTable(scope, 'audit-table', {
    databaseName: props.databaseName,
    name: 'audit',
    description: 'The audit trail: every read and write of message or patient data (as the local `audit` view)',
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'json',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      // `$${x}` is Terraform's escape for the literal `${x}` Athena substitutes.
      'storage.location.template': `${location}dt=$\${dt}/`,
    },
    partitionKeys: [{ name: 'dt', type: 'string' }],
    storageDescriptor: {
      location,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serDeInfo: {
        name: 'audit-json',
        // The records' keys are camelCase, the columns the view's snake_case names: the OpenX
        // SerDe maps them (it lower-cases keys first, case.insensitive, so the mapped keys are too).
        serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        parameters: {
          'case.insensitive': 'TRUE',
          'timestamp.formats': CATALOG_TIMESTAMP_FORMATS,
          ...Object.fromEntries(AUDIT_COLUMNS.filter((c) => c.name !== c.key.toLowerCase()).map((c) => [`mapping.${c.name}`, c.key.toLowerCase()])),
        },
      },
      columns: AUDIT_COLUMNS.map((c) => ({ name: c.name, type: GLUE_TYPES[c.type] })),
    },
  });
}
