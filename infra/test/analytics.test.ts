import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdktf';
import { loadInfraConfig } from '../src/env';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { AnalyticsStack, DEFAULT_STRUCTURES, LakeAnalytics } from '../src/stacks/analytics';
import { CATALOG_TIMESTAMP_FORMATS, createCatalogGlueTables } from '../src/stacks/catalog-glue-tables';
import { glueType, META_GLUE_TYPE, mshGlueType } from '../src/stacks/staging-glue-types';
import { AUDIT_COLUMNS, CATALOG_VIEW_COLUMNS, FHIR_RESOURCE_TYPES, refinedViewName } from '@hcdl/lake';
import { META_SQL_SHAPE, segmentSqlShape, STAGING_LEAF_COLUMNS } from '@hcdl/hl7v2';
import { CoreStack } from '../src/stacks/core';
import { grantViolations, policyDocuments } from './support/policies';
import { findResource, refTo, resourcesOf, type TfJson } from './support/synth';

/** The analytics stack synthesized beside a core stack of the same app (core refs stay `${aws_...}` tokens). */
function synthAnalytics(environment: Record<string, string>, extra: { structures?: string[] } = {}): { json: TfJson; text: string } {
  const app = Testing.app();
  const config = loadInfraConfig({ environment: { HCDL_ENV: 'dev', AWS_REGION: 'eu-west-1', ...environment } });
  const core = new CoreStack(app, 'core', { config });
  const analytics = new AnalyticsStack(app, 'analytics', { config, core, ...extra });
  const text = Testing.synth(analytics);
  return { json: JSON.parse(text) as TfJson, text };
}

const { json: st, text } = synthAnalytics({ HCDL_SOURCES: 'clinic-a,lab-b' });
const table = (name: string) => findResource(st, 'aws_glue_catalog_table', (t) => t.name === name);
const bucketRef = /^\$\{aws_s3_bucket\.[\w-]+\.bucket\}$/;

describe('analytics stack: Glue tables', () => {
  it('declares audit over audit/ with the local audit view columns, dt-projected, camelCase keys mapped', () => {
    const audit = table('audit') as unknown as {
      parameters: Record<string, string>;
      partition_keys: { name: string }[];
      storage_descriptor: {
        location: string;
        columns: { name: string; type: string }[];
        ser_de_info: { serialization_library: string; parameters: Record<string, string> };
      };
    };
    expect(audit.storage_descriptor.location).toMatch(/\/audit\/$/);
    expect(audit.storage_descriptor.columns.map((c) => c.name)).toEqual(AUDIT_COLUMNS.map((c) => c.name));
    expect(Object.fromEntries(audit.storage_descriptor.columns.map((c) => [c.name, c.type]))).toMatchObject({
      at: 'timestamp',
      entity_ids: 'array<string>',
      status: 'int',
    });
    expect(audit.partition_keys.map((k) => k.name)).toEqual(['dt']);
    expect(audit.parameters['storage.location.template']).toMatch(/\/audit\/dt=\$\$\{dt\}\/$/); // Terraform's escape of Athena's ${dt}
    expect(audit.storage_descriptor.ser_de_info.serialization_library).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(audit.storage_descriptor.ser_de_info.parameters).toMatchObject({
      'mapping.audit_id': 'auditid',
      'mapping.entity_ids': 'entityids',
      'mapping.patient_id': 'patientid',
    });
  });

  it('has one database named for the environment', () => {
    expect(Object.values(resourcesOf(st, 'aws_glue_catalog_database')).map((d) => d.name)).toEqual(['hcdl_dev_lake']);
  });

  it('reads staging JSON with the OpenX SerDe and projects source/type/dt onto the staging keys', () => {
    const t = table('staging');
    const params = t.parameters as Record<string, string>;
    const sd = t.storage_descriptor as {
      location: string;
      input_format: string;
      ser_de_info: { serialization_library: string; parameters: Record<string, string> };
      columns: { name: string; type: string }[];
    };
    expect(t.database_name).toBe(
      refTo(
        st,
        'aws_glue_catalog_database',
        findResource(st, 'aws_glue_catalog_database', () => true),
        'name',
      ),
    );
    expect(t.table_type).toBe('EXTERNAL_TABLE');
    expect(sd.ser_de_info.serialization_library).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(sd.ser_de_info.parameters).toMatchObject({ 'mapping.meta': '_meta', 'ignore.malformed.json': 'FALSE' });
    expect(sd.input_format).toBe('org.apache.hadoop.mapred.TextInputFormat');
    expect(t.partition_keys).toEqual([
      expect.objectContaining({ name: 'source', type: 'string' }),
      expect.objectContaining({ name: 'type', type: 'string' }),
      expect.objectContaining({ name: 'dt', type: 'string' }),
    ]);
    expect(params).toMatchObject({
      classification: 'json',
      'projection.enabled': 'true',
      'projection.source.type': 'enum',
      'projection.source.values': 'clinic-a,lab-b',
      'projection.type.type': 'enum',
      'projection.type.values': DEFAULT_STRUCTURES.join(','),
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW',
    });
    // The same layout as packages/lake/src/zones.ts stagingKey(); `$${x}` is Terraform's literal `${x}`.
    const [, bucket, rest] = /^s3:\/\/(.+?)\/(staging\/.*)$/.exec(params['storage.location.template'] as string)!;
    expect(bucket).toMatch(bucketRef);
    expect(rest).toBe('staging/source=$${source}/protocol=hl7v2/format=json/type=$${type}/dt=$${dt}/');
    expect(sd.location).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.[\w-]+\.bucket\}\/staging\/$/);
    // msh and meta have the shapes the local views type them with (msh.message_control_id = 'X'
    // compares text on both engines); segments whose shape varies are JSON text.
    const cols = new Map(sd.columns.map((c) => [c.name, c.type]));
    expect(cols.get('msh')).toBe(glueType(segmentSqlShape('MSH')!));
    expect(cols.get('msh')).toContain(',message_control_id:string,');
    expect(cols.get('msh')).toContain(',character_set:array<string>,');
    // TS in 2.5.1, DTM from 2.6: text, as the SerDe reads both (a string, or the object's JSON text).
    expect(cols.get('msh')).toContain(',date_time_of_message:string,');
    expect(cols.get('meta')).toBe(glueType(META_SQL_SHAPE));
    expect(cols.get('meta')).toMatch(/^struct<version:string,dictionaryversion:string,structure:string,warnings:array<struct<code:string,/);
    expect(cols.get('pid')).toBe('string');
    expect(cols.get('obx')).toBe('string');
    // Glue refuses a column type longer than 131,072 characters.
    expect(Math.max(...sd.columns.map((c) => c.type.length))).toBeLessThan(131_072);
  });

  it('declares the Parquet copy as hcdl compact writes it: source/type folders, dt and the typed columns inside', () => {
    const t = table('staging_parquet');
    const params = t.parameters as Record<string, string>;
    const sd = t.storage_descriptor as { ser_de_info: { serialization_library: string }; columns: { name: string; type: string }[]; location: string };
    expect(sd.ser_de_info.serialization_library).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(params['storage.location.template']).toMatch(
      /^s3:\/\/\$\{aws_s3_bucket\.[\w-]+\.bucket\}\/parquet\/staging\/source=\$\$\{source\}\/type=\$\$\{type\}\/$/,
    );
    expect(params['projection.dt.type']).toBeUndefined();
    expect(t.partition_keys).toEqual([expect.objectContaining({ name: 'source' }), expect.objectContaining({ name: 'type' })]);
    expect(sd.location).toMatch(/\/parquet\/staging\/$/);
    expect(sd.columns.slice(0, 4)).toEqual([
      { name: 'message_id', type: 'string' },
      expect.objectContaining({ name: 'dt', type: 'date' }),
      { name: '_meta', type: META_GLUE_TYPE },
      { name: 'msh', type: mshGlueType() },
    ]);
  });

  it('declares fields with the columns of the local view, partitioned by source/type/segment', () => {
    const t = table('fields');
    const params = t.parameters as Record<string, string>;
    const sd = t.storage_descriptor as { columns: { name: string; type: string }[]; location: string };
    expect(t.partition_keys).toEqual([
      expect.objectContaining({ name: 'source', type: 'string' }),
      expect.objectContaining({ name: 'type', type: 'string' }),
      expect.objectContaining({ name: 'segment', type: 'string' }),
    ]);
    expect(sd.columns.map((c) => [c.name, c.type])).toEqual([
      ['message_id', 'string'],
      ['dt', 'date'],
      ...STAGING_LEAF_COLUMNS.filter((c) => c.name !== 'segment').map((c) => [c.name, c.kind === 'integer' ? 'int' : 'string']),
    ]);
    expect(params['storage.location.template']).toMatch(/\/parquet\/fields\/source=\$\$\{source\}\/type=\$\$\{type\}\/segment=\$\$\{segment\}\/$/);
    expect(params['projection.segment.type']).toBe('enum');
    expect(params['projection.segment.values']!.split(',')).toEqual(expect.arrayContaining(['MSH', 'PID', 'OBX', 'OBR']));
    expect(sd.location).toMatch(/\/parquet\/fields\/$/);
  });

  it('uses an injected source when no sources are configured, and custom structures', () => {
    const { json } = synthAnalytics({}, { structures: ['ADT_A01', 'ORU_R01'] });
    const params = findResource(json, 'aws_glue_catalog_table', (t) => t.name === 'staging').parameters as Record<string, string>;
    expect(params['projection.source.type']).toBe('injected');
    expect(params['projection.source.values']).toBeUndefined();
    expect(params['projection.type.values']).toBe('ADT_A01,ORU_R01');
  });
});

describe('analytics stack: Athena workgroup', () => {
  it('enforces KMS-encrypted results under athena-results/ of the artifact bucket and a scan cutoff', () => {
    const wg = findResource(st, 'aws_athena_workgroup', () => true);
    expect(wg.name).toBe('hcdl-dev-analytics');
    expect(wg.force_destroy).toBe(true);
    const c = wg.configuration as {
      enforce_workgroup_configuration: boolean;
      bytes_scanned_cutoff_per_query: number;
      result_configuration: { output_location: string; encryption_configuration: { encryption_option: string; kms_key_arn: string } };
    };
    expect(c.enforce_workgroup_configuration).toBe(true);
    expect(c.bytes_scanned_cutoff_per_query).toBe(10 * 1024 ** 3);
    expect(c.result_configuration.output_location).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.[\w-]+\.bucket\}\/athena-results\/$/);
    expect(c.result_configuration.encryption_configuration).toEqual({
      encryption_option: 'SSE_KMS',
      kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
    });
    // Results go to the artifact bucket, not the lake bucket.
    expect(c.result_configuration.output_location).toContain('artifacts');
  });

  it('is protected in prod', () => {
    const { json } = synthAnalytics({ HCDL_ENV: 'prod', TF_STATE_BUCKET: 'tf-state' });
    expect(findResource(json, 'aws_athena_workgroup', () => true)).toMatchObject({ name: 'hcdl-prod-analytics', force_destroy: false });
  });

  it('outputs what hcdl query --athena needs', () => {
    expect(Object.keys(st.output ?? {}).sort()).toEqual(['athena-database', 'athena-workgroup', 'query-policy-arn']);
  });
});

describe('analytics stack: query policy', () => {
  const doc = () =>
    JSON.parse(findResource(st, 'aws_iam_policy', () => true).policy as string) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };

  it('grants only the workgroup, the lake tables, the staging and catalog mirror prefixes and the results prefix', () => {
    const bySid = new Map(doc().Statement.map((s) => [s.Sid, s]));
    expect(bySid.get('RunQueries')!.Resource).toEqual([
      refTo(
        st,
        'aws_athena_workgroup',
        findResource(st, 'aws_athena_workgroup', () => true),
        'arn',
      ),
    ]);
    expect(bySid.get('ReadLakeTables')!.Resource.map((r) => r.replace(/^.*:glue:eu-west-1:\$\{[^}]+\}:/, ''))).toEqual([
      'catalog',
      'database/hcdl_dev_lake',
      'table/hcdl_dev_lake/staging',
      'table/hcdl_dev_lake/staging_parquet',
      'table/hcdl_dev_lake/fields',
      'table/hcdl_dev_lake/messages',
      'table/hcdl_dev_lake/errors',
      'table/hcdl_dev_lake/patient_identifiers',
      'table/hcdl_dev_lake/patient_links',
      'table/hcdl_dev_lake/patient_merges',
      'table/hcdl_dev_lake/patient_conflicts',
      'table/hcdl_dev_lake/refined_objects',
      ...FHIR_RESOURCE_TYPES.map((t) => `table/hcdl_dev_lake/${refinedViewName(t)}`),
      'table/hcdl_dev_lake/fhir_versions',
    ]);
    expect(bySid.get('ReadRefined')!.Resource.map((r) => r.replace(/^\$\{[^}]+\}/, ''))).toEqual(['/refined/fhir/*']);
    expect(bySid.get('ReadRefined')!.Action).toEqual(['s3:GetObject']);
    expect(bySid.get('ReadCatalogMirror')!.Resource.map((r) => r.replace(/^\$\{[^}]+\}/, ''))).toEqual(['/catalog/*']);
    expect(bySid.get('ReadCatalogMirror')!.Action).toEqual(['s3:GetObject']);
    expect(bySid.get('ReadStaging')!.Resource.map((r) => r.replace(/^\$\{[^}]+\}/, ''))).toEqual(['/staging/*', '/parquet/staging/*', '/parquet/fields/*']);
    expect(bySid.get('WriteResults')!.Resource.map((r) => r.replace(/^\$\{[^}]+\}/, ''))).toEqual(['/athena-results/*']);
    expect(bySid.get('ReadStaging')!.Action).toEqual(['s3:GetObject']);
  });

  it('has no wildcard grants on data', () => {
    expect(grantViolations(policyDocuments({ analytics: st }))).toEqual([]);
  });
});

describe('LakeAnalytics construct (Testing.synthScope)', () => {
  it('puts the tables on the bucket it is given and encrypts results with the key it is given', () => {
    const config = loadInfraConfig({ environment: { HCDL_ENV: 'dev', AWS_REGION: 'eu-west-1', HCDL_SOURCES: 'a' } });
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const key = new KmsKey(scope, 'key', { enableKeyRotation: true });
        const lakeBucket = new S3Bucket(scope, 'lake', { bucketPrefix: 'test-lake-' });
        const artifactBucket = new S3Bucket(scope, 'results', { bucketPrefix: 'test-results-' });
        new LakeAnalytics(scope, 'analytics', { config, lakeBucket, artifactBucket, key, bytesScannedCutoffPerQuery: 1024 ** 3 });
      }),
    ) as TfJson;
    const lakeId = Object.entries(resourcesOf(json, 'aws_s3_bucket')).find(([, b]) => b.bucket_prefix === 'test-lake-')![0];
    const resultsId = Object.entries(resourcesOf(json, 'aws_s3_bucket')).find(([, b]) => b.bucket_prefix === 'test-results-')![0];
    const keyId = Object.keys(resourcesOf(json, 'aws_kms_key'))[0];
    const staging = findResource(json, 'aws_glue_catalog_table', (t) => t.name === 'staging');
    expect((staging.storage_descriptor as { location: string }).location).toBe(`s3://\${aws_s3_bucket.${lakeId}.bucket}/staging/`);
    const wg = findResource(json, 'aws_athena_workgroup', () => true).configuration as {
      bytes_scanned_cutoff_per_query: number;
      result_configuration: { output_location: string; encryption_configuration: unknown };
    };
    expect(wg.bytes_scanned_cutoff_per_query).toBe(1024 ** 3);
    expect(wg.result_configuration.output_location).toBe(`s3://\${aws_s3_bucket.${resultsId}.bucket}/athena-results/`);
    expect(wg.result_configuration.encryption_configuration).toEqual({ encryption_option: 'SSE_KMS', kms_key_arn: `\${aws_kms_key.${keyId}.arn}` });
    expect(json.output ?? {}).toEqual({});
  });
});

describe('catalog views over the catalog mirror (Testing.synthScope)', () => {
  type Table = {
    name: string;
    parameters: Record<string, string>;
    partition_keys?: { name: string; type: string }[];
    storage_descriptor: {
      location: string;
      ser_de_info: { serialization_library: string; parameters: Record<string, string> };
      columns: { name: string; type: string }[];
    };
  };
  const synthTables = (sources: string[]) => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const lakeBucket = new S3Bucket(scope, 'lake', { bucketPrefix: 'test-lake-' });
        createCatalogGlueTables(scope, { databaseName: 'hcdl_test_lake', lakeBucket, sources });
      }),
    ) as TfJson;
    const lakeId = Object.keys(resourcesOf(json, 'aws_s3_bucket'))[0];
    const t = (name: string) => findResource(json, 'aws_glue_catalog_table', (x) => x.name === name) as unknown as Table;
    return { json, lake: `s3://\${aws_s3_bucket.${lakeId}.bucket}`, t };
  };
  const { json, lake, t } = synthTables(['clinic-a', 'lab-b']);
  const columns = (name: string) => t(name).storage_descriptor.columns.map((c) => [c.name, c.type]);

  it("declares messages, errors, patient_identifiers, patient_links, patient_merges and patient_conflicts with the local views' columns, typed as in DuckDB", () => {
    expect(
      Object.values(resourcesOf(json, 'aws_glue_catalog_table'))
        .map((x) => x.name)
        .sort(),
    ).toEqual(['errors', 'messages', 'patient_conflicts', 'patient_identifiers', 'patient_links', 'patient_merges']);
    expect(columns('patient_conflicts').map(([n]) => n)).toEqual(CATALOG_VIEW_COLUMNS.patient_conflicts.map((c) => c.name));
    expect(Object.fromEntries(columns('patient_conflicts'))).toMatchObject({ fields: 'array<string>', at: 'timestamp' });
    // links and merges (mirrored by packages/aws/src/catalog-mirror since issue 16): the local views' columns
    expect(columns('patient_links').map(([n]) => n)).toEqual(CATALOG_VIEW_COLUMNS.patient_links.map((c) => c.name));
    expect(Object.fromEntries(columns('patient_merges'))).toMatchObject({ prior_identifiers: 'array<string>', at: 'timestamp' });
    // messages: every local column but the `source` partition key, in order
    expect(columns('messages').map(([n]) => n)).toEqual(CATALOG_VIEW_COLUMNS.messages.map((c) => c.name).filter((n) => n !== 'source'));
    expect(Object.fromEntries(columns('messages'))).toMatchObject({
      message_id: 'string',
      received_at: 'timestamp',
      updated_at: 'timestamp',
      batch_index: 'int',
      attempts: 'int',
      size: 'bigint',
      sending_facility: 'string',
    });
    expect(columns('errors')).toEqual([
      ['message_id', 'string'],
      ['attempt', 'int'],
      ['stage', 'string'],
      ['severity', 'string'],
      ['code', 'string'],
      ['message', 'string'],
      ['location', 'string'],
      ['line', 'int'],
      ['column', 'int'],
      ['at', 'timestamp'],
    ]);
    expect(columns('patient_identifiers')).toEqual([
      ['identifier', 'string'],
      ['patient_id', 'string'],
      ['source', 'string'],
      ['first_seen_message_id', 'string'],
      ['first_seen_at', 'timestamp'],
      ['authority', 'string'],
      ['identifier_type', 'string'],
      ['value', 'string'],
    ]);
  });

  it('reads NDJSON with the Hive JSON SerDe, ISO instants as timestamps', () => {
    for (const name of ['messages', 'errors', 'patient_identifiers', 'patient_links', 'patient_merges', 'patient_conflicts']) {
      const sd = t(name).storage_descriptor;
      expect([name, sd.ser_de_info.serialization_library]).toEqual([name, 'org.apache.hive.hcatalog.data.JsonSerDe']);
      expect(sd.ser_de_info.parameters['timestamp.formats']).toBe(CATALOG_TIMESTAMP_FORMATS);
      expect(sd.location).toBe(`${lake}/catalog/${name}/`);
      expect(t(name).parameters.classification).toBe('json');
    }
  });

  it('projects source and dt onto the mirror keys of messages and errors; patient_identifiers has no partitions', () => {
    for (const name of ['messages', 'errors']) {
      expect(t(name).partition_keys).toEqual([
        { name: 'source', type: 'string' },
        { name: 'dt', type: 'string' },
      ]);
      expect(t(name).parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.source.type': 'enum',
        'projection.source.values': 'clinic-a,lab-b',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        // the layout of packages/aws/src/catalog-mirror/keys.ts
        'storage.location.template': `${lake}/catalog/${name}/source=$\${source}/dt=$\${dt}/`,
      });
    }
    expect(t('patient_identifiers').partition_keys).toBeUndefined();
    expect(t('patient_identifiers').parameters['projection.enabled']).toBeUndefined();
    expect(synthTables([]).t('messages').parameters['projection.source.type']).toBe('injected');
  });
});
