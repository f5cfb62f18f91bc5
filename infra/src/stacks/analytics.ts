import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable, type GlueCatalogTableStorageDescriptorColumns } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { globalResourceName, resourceName, type InfraConfig } from '../config';
import { allow, kmsUse, objectArns, policyDocument } from '../constructs/policy';
import { REFINED_FHIR_PREFIX } from '@hcdl/lake';
import { ATHENA_RESULTS_PREFIX, ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { createCatalogGlueTables, MIRRORED_VIEWS, type MirroredView } from './catalog-glue-tables';
import { createAuditGlueTable } from './audit-glue-table';
import { StagingCompaction } from './compaction';
import { createRefinedGlueTables, REFINED_OBJECTS_TABLE, type RefinedGlueTables } from './refined-glue-tables';
import { FIELDS_COLUMNS, FIELDS_PREFIX, META_GLUE_TYPE, mshGlueType } from './staging-glue-types';
import { LakeStack } from './lake-stack';

/**
 * Message structures the `type` partition projects over (staging keys use `_meta.structure`,
 * or UNKNOWN). Athena only sees the values listed: add the structures of your feeds.
 */
export const DEFAULT_STRUCTURES = [
  'ACK',
  'ADR_A19',
  'ADT_A01',
  'ADT_A02',
  'ADT_A03',
  'ADT_A05',
  'ADT_A06',
  'ADT_A09',
  'ADT_A12',
  'ADT_A15',
  'ADT_A16',
  'ADT_A17',
  'ADT_A18',
  'ADT_A20',
  'ADT_A21',
  'ADT_A24',
  'ADT_A30',
  'ADT_A37',
  'ADT_A38',
  'ADT_A39',
  'ADT_A43',
  'ADT_A45',
  'ADT_A50',
  'ADT_A52',
  'ADT_A54',
  'ADT_A60',
  'ADT_A61',
  'BAR_P01',
  'BAR_P02',
  'DFT_P03',
  'DFT_P11',
  'MDM_T01',
  'MDM_T02',
  'MFN_M02',
  'OMG_O19',
  'OML_O21',
  'OMP_O09',
  'ORL_O22',
  'ORM_O01',
  'ORR_O02',
  'ORU_R01',
  'ORU_R30',
  'OUL_R22',
  'PPR_PC1',
  'QBP_Q11',
  'QBP_Q21',
  'QRY_A19',
  'RDE_O11',
  'RAS_O17',
  'RSP_K11',
  'RSP_K21',
  'SIU_S12',
  'SRM_S01',
  'VXU_V04',
  'VXR_V03',
  'UNKNOWN',
] as const;

/**
 * Top-level keys of staging JSON the tables declare (lower-case segment ids). `_meta` and
 * `msh` are typed (./staging-glue-types, the shapes the local views use); every other segment
 * is an object in one structure and an array in another, so it is declared `string` and holds
 * the segment's JSON text (read it with json_extract / json_extract_scalar).
 */
export const SEGMENT_COLUMNS = [
  'sft',
  'evn',
  'pid',
  'pd1',
  'nk1',
  'pv1',
  'pv2',
  'mrg',
  'gt1',
  'in1',
  'in2',
  'al1',
  'dg1',
  'pr1',
  'rol',
  'orc',
  'obr',
  'obx',
  'nte',
  'spm',
  'tq1',
  'rxa',
  'rxr',
  'rxo',
  'rxe',
  'ft1',
  'txa',
  'sch',
  'ais',
  'aig',
  'ail',
  'aip',
  'rgs',
  'qpd',
  'qak',
  'rcp',
  'msa',
  'err',
] as const;

const col = (name: string, type: string, comment?: string): GlueCatalogTableStorageDescriptorColumns => ({
  name,
  type,
  ...(comment !== undefined ? { comment } : {}),
});

const SOURCE_KEY = col('source', 'string', 'source id of the submitter');
const TYPE_KEY = col('type', 'string', 'message structure (ADT_A01, ...)');
const PARTITION_KEYS = [SOURCE_KEY, TYPE_KEY, col('dt', 'string', 'day received, yyyy-MM-dd (UTC)')];

export interface LakeAnalyticsProps {
  config: InfraConfig;
  /** The lake bucket (zones staging/ and parquet/staging/ are read). */
  lakeBucket: S3Bucket;
  /** Athena results go under `athena-results/` of this bucket. */
  artifactBucket: S3Bucket;
  /** The lake's customer-managed key: encrypts query results. */
  key: KmsKey;
  /** Values of the `type` partition projection (default DEFAULT_STRUCTURES). */
  structures?: readonly string[];
  /** Athena refuses queries that would scan more than this (default 10 GiB). */
  bytesScannedCutoffPerQuery?: number;
}

/**
 * SQL over the lake with Athena. A Glue database with tables over the lake bucket: `staging`
 * (staging JSON, OpenX JSON SerDe, partitioned by source/type/dt), and `staging_parquet` and
 * `fields` (the Parquet a compaction writes, by source/type and source/type/segment), all
 * with partition projection (no crawler, no MSCK REPAIR); `_meta`, `msh` and `fields` have
 * the types the local views have (./staging-glue-types); the catalog views `messages`,
 * `errors`, `patient_identifiers` over the mirror of the catalog under `catalog/`
 * (./catalog-glue-tables, same columns as the local views); an
 * Athena workgroup that enforces its configuration: results under `athena-results/` of the
 * artifact bucket, encrypted SSE-KMS with the lake key, a scan cutoff, CloudWatch metrics;
 * and the managed policy that running `hcdl query --athena` needs.
 */
export class LakeAnalytics extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly stagingTable: GlueCatalogTable;
  readonly parquetTable: GlueCatalogTable;
  /** Every value at its HL7 position, over the Parquet a compaction writes (parquet/fields/). */
  readonly fieldsTable: GlueCatalogTable;
  /** `messages`, `errors`, `patient_identifiers` over the catalog mirror (catalog/). */
  readonly catalogTables: Record<MirroredView, GlueCatalogTable>;
  /** The refined zone: `refined_objects` and the views `fhir_<type>`, `fhir_versions` (as DuckDB's). */
  readonly refinedTables: RefinedGlueTables;
  /** `audit` over the audit trail's objects (audit/). */
  readonly auditTable: GlueCatalogTable;
  readonly workgroup: AthenaWorkgroup;
  readonly queryPolicy: IamPolicy;
  /** The nightly Parquet compaction (issue 16); only with known sources (`source` is injected otherwise). */
  readonly compaction?: StagingCompaction;

  constructor(scope: Construct, id: string, props: LakeAnalyticsProps) {
    super(scope, id);
    const { config, lakeBucket: lake, artifactBucket: resultsBucket, key } = props;
    const databaseName = resourceName(config.env, 'lake').replace(/-/g, '_');
    const partition = new DataAwsPartition(this, 'partition');
    const account = new DataAwsCallerIdentity(this, 'account');

    this.database = new GlueCatalogDatabase(this, 'database', {
      name: databaseName,
      description: 'HCDL lake: staging JSON and its Parquet copy, partitioned by source/type/dt',
    });

    const sources = config.sources;
    const DAYS = {
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
    };
    const projection = (prefix: string, template: string, more: Record<string, string> = DAYS): Record<string, string> => ({
      'projection.enabled': 'true',
      ...(sources.length > 0 ? { 'projection.source.type': 'enum', 'projection.source.values': sources.join(',') } : { 'projection.source.type': 'injected' }),
      'projection.type.type': 'enum',
      'projection.type.values': (props.structures ?? DEFAULT_STRUCTURES).join(','),
      ...more,
      // `$${x}` is Terraform's escape for the literal `${x}` Athena substitutes.
      'storage.location.template': `s3://${lake.bucket}/${prefix}${template}`,
    });
    const segments = SEGMENT_COLUMNS.map((s) => col(s, 'string', 'segment JSON text'));

    this.stagingTable = new GlueCatalogTable(this, 'staging', {
      databaseName: this.database.name,
      name: 'staging',
      description: 'One row per staging JSON document (raw -> staging of the HL7 v2 pipeline)',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'json',
        EXTERNAL: 'TRUE',
        ...projection(ZonePrefix.Staging, 'source=$${source}/protocol=hl7v2/format=json/type=$${type}/dt=$${dt}/'),
      },
      partitionKeys: PARTITION_KEYS,
      storageDescriptor: {
        location: `s3://${lake.bucket}/${ZonePrefix.Staging}`,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serDeInfo: {
          name: 'staging-json',
          serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
          // A segment declared string receives its JSON text; `_meta` maps to `meta`.
          parameters: { 'case.insensitive': 'TRUE', 'ignore.malformed.json': 'FALSE', 'mapping.meta': '_meta' },
        },
        columns: [
          col('meta', META_GLUE_TYPE, '_meta: version, dictionary version, structure, warnings'),
          col('msh', mshGlueType(), 'MSH: every field of every HL7 version, text leaves'),
          ...segments,
        ],
      },
    });

    this.parquetTable = new GlueCatalogTable(this, 'staging-parquet', {
      databaseName: this.database.name,
      name: 'staging_parquet',
      description: 'Staging compacted to Parquet (as hcdl compact writes it): _meta and msh typed, other segments as JSON text',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'parquet',
        EXTERNAL: 'TRUE',
        'parquet.compression': 'ZSTD',
        ...projection(ZonePrefix.Parquet, 'source=$${source}/type=$${type}/', {}),
      },
      partitionKeys: [SOURCE_KEY, TYPE_KEY],
      storageDescriptor: {
        location: `s3://${lake.bucket}/${ZonePrefix.Parquet}`,
        inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        serDeInfo: {
          name: 'staging-parquet',
          serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
          parameters: { 'serialization.format': '1' },
        },
        columns: [col('message_id', 'string'), col('dt', 'date', 'day received (UTC)'), col('_meta', META_GLUE_TYPE), col('msh', mshGlueType()), ...segments],
      },
    });

    const segmentValues = ['MSH', ...SEGMENT_COLUMNS.map((s) => s.toUpperCase())];
    this.fieldsTable = new GlueCatalogTable(this, 'fields', {
      databaseName: this.database.name,
      name: 'fields',
      description: 'Every value of every staging document at its HL7 position (as hcdl compact writes it)',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'parquet',
        EXTERNAL: 'TRUE',
        'parquet.compression': 'ZSTD',
        ...projection(FIELDS_PREFIX, 'source=$${source}/type=$${type}/segment=$${segment}/', {
          'projection.segment.type': 'enum',
          'projection.segment.values': segmentValues.join(','),
        }),
      },
      partitionKeys: [SOURCE_KEY, TYPE_KEY, col('segment', 'string', 'segment id (PID)')],
      storageDescriptor: {
        location: `s3://${lake.bucket}/${FIELDS_PREFIX}`,
        inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        serDeInfo: {
          name: 'fields-parquet',
          serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
          parameters: { 'serialization.format': '1' },
        },
        columns: FIELDS_COLUMNS,
      },
    });

    this.catalogTables = createCatalogGlueTables(this, { databaseName: this.database.name, lakeBucket: lake, sources });
    // The views' SQL names the database: they take its literal name, and wait for it.
    this.refinedTables = createRefinedGlueTables(this, { databaseName, lakeBucket: lake });
    this.refinedTables.objects.node.addDependency(this.database);
    this.auditTable = createAuditGlueTable(this, { databaseName: this.database.name, lakeBucket: lake });

    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: resourceName(config.env, 'analytics'),
      description: 'HCDL SQL over the lake (hcdl query --athena)',
      state: 'ENABLED',
      forceDestroy: !config.protected,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${resultsBucket.bucket}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: key.arn },
          expectedBucketOwner: account.accountId,
        },
      },
    });

    const glue = (suffix: string): string => `arn:${partition.partition}:glue:${config.region}:${account.accountId}:${suffix}`;
    if (sources.length > 0) {
      const name = (n: string) => resourceName(config.env, n);
      this.compaction = new StagingCompaction(this, 'compaction', {
        names: {
          machine: name('compaction'),
          role: globalResourceName(config.env, config.region, 'compaction'),
          schedulerRole: globalResourceName(config.env, config.region, 'compaction-schedule'),
          schedule: name('compaction'),
        },
        database: databaseName,
        segments: SEGMENT_COLUMNS,
        sources,
        workgroup: this.workgroup,
        lakeBucket: lake,
        resultsBucket,
        key,
        glueArn: glue,
        logRetentionDays: config.logRetentionDays,
      });
    }
    this.queryPolicy = new IamPolicy(this, 'query-policy', {
      name: globalResourceName(config.env, config.region, 'analytics-query'),
      description: 'Run hcdl query --athena: the workgroup, the lake tables, staging reads, results',
      policy: policyDocument([
        allow(
          ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
          [this.workgroup.arn],
          'RunQueries',
        ),
        allow(
          ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
          [
            glue('catalog'),
            glue(`database/${databaseName}`),
            ...['staging', 'staging_parquet', 'fields', ...Object.keys(MIRRORED_VIEWS), REFINED_OBJECTS_TABLE, ...Object.keys(this.refinedTables.views)].map(
              (t) => glue(`table/${databaseName}/${t}`),
            ),
          ],
          'ReadLakeTables',
        ),
        allow(['s3:GetObject'], objectArns(lake.arn, [ZonePrefix.Staging, ZonePrefix.Parquet, FIELDS_PREFIX]), 'ReadStaging'),
        allow(['s3:GetObject'], objectArns(lake.arn, [ZonePrefix.Catalog]), 'ReadCatalogMirror'),
        allow(['s3:GetObject'], objectArns(lake.arn, [REFINED_FHIR_PREFIX]), 'ReadRefined'),
        {
          Sid: 'ListStaging',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: [lake.arn],
          Condition: {
            StringLike: {
              's3:prefix': [`${ZonePrefix.Staging}*`, `${ZonePrefix.Parquet}*`, `${FIELDS_PREFIX}*`, `${ZonePrefix.Catalog}*`, `${REFINED_FHIR_PREFIX}*`],
            },
          },
        },
        allow(['s3:GetBucketLocation'], [lake.arn, resultsBucket.arn], 'BucketLocation'),
        allow(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], objectArns(resultsBucket.arn, [ATHENA_RESULTS_PREFIX]), 'WriteResults'),
        {
          Sid: 'ListResults',
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
          Resource: [resultsBucket.arn],
          Condition: { StringLike: { 's3:prefix': [`${ATHENA_RESULTS_PREFIX}*`] } },
        },
        kmsUse(key.arn),
      ]),
    });
  }
}

export interface AnalyticsStackProps {
  config: InfraConfig;
  /** The lake bucket, its KMS key and the artifact bucket for Athena results come from core. */
  core: Pick<CoreResources, 'lakeBucket' | 'artifactBucket' | 'key' | 'alarmTopic'>;
  structures?: readonly string[];
  bytesScannedCutoffPerQuery?: number;
}

/** analytics: the LakeAnalytics construct over core's bucket and key, with the outputs `hcdl query --athena` needs. */
export class AnalyticsStack extends LakeStack {
  readonly analytics: LakeAnalytics;

  constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props.config);
    const { core, ...rest } = props;
    this.notifyAlarmsTo(core.alarmTopic.arn);
    this.analytics = new LakeAnalytics(this, 'analytics', { ...rest, lakeBucket: core.lakeBucket, artifactBucket: core.artifactBucket, key: core.key });
    new TerraformOutput(this, 'athena-workgroup', { value: this.analytics.workgroup.name, description: 'HCDL_ATHENA_WORKGROUP for hcdl query --athena' });
    new TerraformOutput(this, 'athena-database', { value: this.analytics.database.name, description: 'HCDL_ATHENA_DATABASE for hcdl query --athena' });
    new TerraformOutput(this, 'query-policy-arn', { value: this.analytics.queryPolicy.arn, description: 'attach to the analysts who run hcdl query --athena' });
  }
}
