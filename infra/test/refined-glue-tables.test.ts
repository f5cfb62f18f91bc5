import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { FHIR_RESOURCE_TYPES, REFINED_VIEW_COLUMNS, refinedViewName } from '@hcdl/lake';
import { createRefinedGlueTables, REFINED_TYPES } from '../src/stacks/refined-glue-tables';
import { findResource, resourcesOf, type TfJson } from './support/synth';

type Table = {
  name: string;
  table_type: string;
  parameters: Record<string, string>;
  partition_keys?: { name: string; type: string }[];
  view_original_text?: string;
  view_expanded_text?: string;
  storage_descriptor: {
    location?: string;
    ser_de_info?: { serialization_library: string; parameters: Record<string, string> };
    columns: { name: string; type: string }[];
  };
};

const json = JSON.parse(
  Testing.synthScope((scope) => {
    const lakeBucket = new S3Bucket(scope, 'lake', { bucketPrefix: 'test-lake-' });
    createRefinedGlueTables(scope, { databaseName: 'hcdl_test_lake', lakeBucket });
  }),
) as TfJson;
const lakeId = Object.keys(resourcesOf(json, 'aws_s3_bucket'))[0];
const lake = `s3://\${aws_s3_bucket.${lakeId}.bucket}`;
const table = (name: string) => findResource(json, 'aws_glue_catalog_table', (t) => t.name === name) as unknown as Table;

/** The document Athena keeps in a view's original text. */
const prestoView = (t: Table): { originalSql: string; catalog: string; schema: string; columns: { name: string; type: string }[] } => {
  const m = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(t.view_original_text ?? '');
  expect(m).not.toBeNull();
  return JSON.parse(Buffer.from(m?.[1] ?? '', 'base64').toString('utf8'));
};

describe('refined zone for Athena: refined_objects', () => {
  it('reads every object under refined/fhir/<Type>/ as one line of text, the type projected from the key', () => {
    const t = table('refined_objects');
    expect(t.table_type).toBe('EXTERNAL_TABLE');
    expect(t.storage_descriptor.location).toBe(`${lake}/refined/fhir/`);
    expect(t.storage_descriptor.columns).toEqual([expect.objectContaining({ name: 'doc', type: 'string' })]);
    expect(t.storage_descriptor.ser_de_info?.serialization_library).toBe('org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe');
    expect(t.storage_descriptor.ser_de_info?.parameters['field.delim']).toBe('\u0001');
    expect(t.partition_keys).toEqual([expect.objectContaining({ name: 'resource_type', type: 'string' })]);
    expect(t.parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.resource_type.type': 'enum',
      'projection.resource_type.values': FHIR_RESOURCE_TYPES.join(','),
      'storage.location.template': `${lake}/refined/fhir/$\${resource_type}/`,
    });
  });
});

describe('refined zone for Athena: the views', () => {
  it('has one fhir_<type> view per resource type and fhir_versions, as the local engine', () => {
    const views = Object.values(resourcesOf(json, 'aws_glue_catalog_table')).filter((t) => t.table_type === 'VIRTUAL_VIEW');
    expect(views.map((v) => v.name).sort()).toEqual([...FHIR_RESOURCE_TYPES.map(refinedViewName), 'fhir_versions'].sort());
    expect(views.map((v) => v.name)).toContain('fhir_diagnostic_report');
  });

  it("declares each view's columns as the shared declaration, Hive types in Glue and Trino types in the view", () => {
    const t = table('fhir_patient');
    expect(t.parameters).toEqual({ presto_view: 'true', comment: 'Presto View' });
    expect(t.view_expanded_text).toBe('/* Presto View */');
    expect(t.storage_descriptor.columns.map((c) => [c.name, c.type])).toEqual(REFINED_VIEW_COLUMNS.map((c) => [c.name, REFINED_TYPES[c.type].glue]));
    const view = prestoView(t);
    expect(view).toMatchObject({ catalog: 'awsdatacatalog', schema: 'hcdl_test_lake' });
    expect(view.columns).toEqual(REFINED_VIEW_COLUMNS.map((c) => ({ name: c.name, type: REFINED_TYPES[c.type].trino })));
    expect(view.columns.find((c) => c.name === 'last_updated')?.type).toBe('timestamp(3) with time zone');
  });

  it('keeps the latest version of each resource of its type and leaves deletes out', () => {
    const sql = prestoView(table('fhir_encounter')).originalSql;
    expect(sql).toContain(`FROM "hcdl_test_lake"."refined_objects" WHERE resource_type = 'Encounter'`);
    expect(sql).toContain('row_number() OVER (PARTITION BY id ORDER BY version_id DESC)');
    expect(sql).toMatch(/WHERE latest = 1 AND NOT deleted$/);
    expect(sql).toContain("json_extract_scalar(doc, '$.meta.tag[0].code') = 'deleted'");
    expect(sql).toContain("'^Patient/(.+)$'");
    // A Patient is about itself.
    expect(prestoView(table('fhir_patient')).originalSql).toContain("json_extract_scalar(doc, '$.id') AS patient_id");
  });

  it('fhir_versions unions every type with resource_type and deleted', () => {
    const t = table('fhir_versions');
    const view = prestoView(t);
    expect(view.columns.map((c) => c.name)).toEqual(['resource_type', ...REFINED_VIEW_COLUMNS.slice(0, -1).map((c) => c.name), 'deleted', 'resource']);
    expect(view.originalSql.split(' UNION ALL ')).toHaveLength(FHIR_RESOURCE_TYPES.length);
    for (const type of FHIR_RESOURCE_TYPES) expect(view.originalSql).toContain(`WHERE resource_type = '${type}'`);
    expect(t.storage_descriptor.columns.find((c) => c.name === 'deleted')?.type).toBe('boolean');
  });
});
