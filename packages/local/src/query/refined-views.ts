import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DELETED_TAG, FHIR_RESOURCE_TYPES, REFINED_VERSIONS_VIEW, REFINED_VIEW_COLUMNS, refinedViewName } from '@hcdl/lake';
import { errorText, QueryError } from './errors';
import { ident, lit, zonesDir } from './paths';

/** The refined zone's folder of one resource type: `<dataDir>/zones/refined/fhir/<Type>/<id>/<version>.json`. */
export const refinedTypeDir = (dataDir: string, resourceType: string): string => path.join(zonesDir(dataDir), 'refined', 'fhir', resourceType);

/** Whether a type's folder holds at least one resource folder (the glob of its view then matches files). */
function hasVersions(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const id of readdirSync(dir, { withFileTypes: true })) {
    if (id.isDirectory() && readdirSync(path.join(dir, id.name)).some((f) => /^\d+\.json$/.test(f))) return true;
  }
  return false;
}

const doc = (jsonPath: string): string => `(doc->>${lit(jsonPath)})`;

/** Columns of one version row (VERSION_COLUMNS of every view, plus resource_type and deleted). */
function versionColumns(resourceType: string): string {
  const patient =
    resourceType === 'Patient'
      ? doc('$.id')
      : `nullif(regexp_extract(coalesce(${doc('$.subject.reference')}, ${doc('$.patient.reference')}, ${doc('$.beneficiary.reference')}), '^Patient/(.+)$', 1), '')`;
  return [
    `${lit(resourceType)} AS resource_type`,
    `${doc('$.id')} AS id`,
    `CAST(${doc('$.meta.versionId')} AS INTEGER) AS version_id`,
    `CAST(${doc('$.meta.lastUpdated')} AS TIMESTAMPTZ) AS last_updated`,
    `nullif(regexp_extract(${doc('$.meta.source')}, '^urn:hcdl:message:(.+)$', 1), '') AS message_id`,
    `${patient} AS patient_id`,
    `coalesce(${doc('$.meta.tag[0].system')} = ${lit(DELETED_TAG.system)} AND ${doc('$.meta.tag[0].code')} = ${lit(DELETED_TAG.code)}, false) AS deleted`,
    'doc AS resource',
  ].join(', ');
}

/** Every version object of one type (sidecars and in-flight files of the folder store left out). */
function versionsOf(dataDir: string, resourceType: string): string {
  const glob = path.join(refinedTypeDir(dataDir, resourceType), '*', '*.json');
  return `SELECT ${versionColumns(resourceType)} FROM (SELECT json AS doc, filename FROM read_json_objects(${lit(glob)}, filename = true, maximum_object_size = 67108864) WHERE regexp_matches(filename, '[/\\\\][0-9]+\\.json$'))`;
}

/** A typed empty row set with the columns of a version (a type with nothing refined yet). */
function emptyVersions(resourceType: string): string {
  return `SELECT ${lit(resourceType)} AS resource_type, NULL::VARCHAR AS id, NULL::INTEGER AS version_id, NULL::TIMESTAMPTZ AS last_updated, NULL::VARCHAR AS message_id, NULL::VARCHAR AS patient_id, false AS deleted, NULL::JSON AS resource WHERE false`;
}

/**
 * The refined views (declared in @hcdl/lake refined-views.ts, the same as Athena's): for each
 * resource type `fhir_<type>`, the current version of each resource that is not deleted, typed
 * columns then the whole resource as JSON; and `fhir_versions`, every version of every type
 * with `resource_type` and `deleted`. Read from the refined zone's objects at query time.
 */
export async function defineRefinedViews(con: DuckDBConnection, dataDir: string): Promise<void> {
  const columns = REFINED_VIEW_COLUMNS.map((c) => ident(c.name)).join(', ');
  const parts: string[] = [];
  try {
    for (const type of FHIR_RESOURCE_TYPES) {
      const versions = hasVersions(refinedTypeDir(dataDir, type)) ? versionsOf(dataDir, type) : emptyVersions(type);
      parts.push(versions);
      await con.run(
        `CREATE OR REPLACE VIEW ${ident(refinedViewName(type))} AS SELECT ${columns} FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY version_id DESC) AS latest FROM (${versions})) WHERE latest = 1 AND NOT deleted`,
      );
    }
    await con.run(`CREATE OR REPLACE VIEW ${ident(REFINED_VERSIONS_VIEW)} AS ${parts.map((p) => `(${p})`).join(' UNION ALL ')}`);
  } catch (err) {
    throw new QueryError(`cannot define the refined views: ${errorText(err).split('\n')[0] ?? ''}`, { cause: err });
  }
}
