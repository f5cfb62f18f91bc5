import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DELETED_TAG, FHIR_RESOURCE_TYPES, REFINED_VERSIONS_VIEW, REFINED_VIEW_COLUMNS, refinedViewName } from '@hcdl/lake';
import { refinedSegmentsDir, SEGMENT_SUFFIX } from '../adapters/segment-files';
import { errorText, QueryError } from './errors';
import { ident, lit, zonesDir } from './paths';

/**
 * The refined zone's folder of one resource type, as versions before ADR 0019 wrote it, a file
 * per version: `<dataDir>/zones/refined/fhir/<Type>/<id>/<version>.json`.
 */
export const refinedTypeDir = (dataDir: string, resourceType: string): string => path.join(zonesDir(dataDir), 'refined', 'fhir', resourceType);

/** Whether a type's folder holds at least one resource folder (the glob of its view then matches files). */
function hasVersions(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const id of readdirSync(dir, { withFileTypes: true })) {
    if (id.isDirectory() && readdirSync(path.join(dir, id.name)).some((f) => /^\d+\.json$/.test(f))) return true;
  }
  return false;
}

const hasSegments = (dir: string): boolean => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(SEGMENT_SUFFIX));

const MAX_OBJECT = 67108864;

const doc = (jsonPath: string): string => `(doc->>${lit(jsonPath)})`;

/** Columns of one version row, from its JSON `doc` (the order of `fhir_versions`). */
const VERSION_COLUMNS = [
  `${doc('$.resourceType')} AS resource_type`,
  `${doc('$.id')} AS id`,
  `CAST(${doc('$.meta.versionId')} AS INTEGER) AS version_id`,
  `CAST(${doc('$.meta.lastUpdated')} AS TIMESTAMPTZ) AS last_updated`,
  `nullif(regexp_extract(${doc('$.meta.source')}, '^urn:hcdl:message:(.+)$', 1), '') AS message_id`,
  `CASE WHEN ${doc('$.resourceType')} = 'Patient' THEN ${doc('$.id')} ELSE nullif(regexp_extract(coalesce(${doc('$.subject.reference')}, ${doc('$.patient.reference')}, ${doc('$.beneficiary.reference')}), '^Patient/(.+)$', 1), '') END AS patient_id`,
  `coalesce(${doc('$.meta.tag[0].system')} = ${lit(DELETED_TAG.system)} AND ${doc('$.meta.tag[0].code')} = ${lit(DELETED_TAG.code)}, false) AS deleted`,
  'doc AS resource',
].join(', ');

/**
 * Every version object, each version once: the lines of the zone's segment files (ADR 0019)
 * and the per-version files earlier versions wrote. A version written twice (the relay's
 * retry after a crash) is the same bytes each time; the copy kept is the one of the latest
 * segment, which is the one the zone's index points at. Undefined when there is none.
 */
function versionDocs(dataDir: string): string | undefined {
  const sources: string[] = [];
  const segments = refinedSegmentsDir(dataDir);
  if (hasSegments(segments)) {
    const glob = path.join(segments, `*${SEGMENT_SUFFIX}`);
    sources.push(
      `SELECT json AS doc, filename AS origin, 1 AS tier FROM read_json_objects(${lit(glob)}, format = 'newline_delimited', filename = true, maximum_object_size = ${MAX_OBJECT})`,
    );
  }
  for (const type of FHIR_RESOURCE_TYPES) {
    const dir = refinedTypeDir(dataDir, type);
    if (!hasVersions(dir)) continue;
    // Sidecars and in-flight files of the folder store left out.
    const glob = path.join(dir, '*', '*.json');
    sources.push(
      `SELECT json AS doc, filename AS origin, 0 AS tier FROM read_json_objects(${lit(glob)}, filename = true, maximum_object_size = ${MAX_OBJECT}) WHERE regexp_matches(filename, '[/\\\\][0-9]+\\.json$')`,
    );
  }
  if (sources.length === 0) return undefined;
  const copy = `row_number() OVER (PARTITION BY ${doc('$.resourceType')}, ${doc('$.id')}, ${doc('$.meta.versionId')} ORDER BY tier DESC, origin DESC)`;
  return `SELECT doc FROM (SELECT doc, ${copy} AS copy FROM (${sources.join(' UNION ALL ')})) WHERE copy = 1`;
}

/** A typed empty row set with the columns of a version (nothing refined yet). */
const NO_VERSIONS =
  'SELECT NULL::VARCHAR AS resource_type, NULL::VARCHAR AS id, NULL::INTEGER AS version_id, NULL::TIMESTAMPTZ AS last_updated, NULL::VARCHAR AS message_id, NULL::VARCHAR AS patient_id, false AS deleted, NULL::JSON AS resource WHERE false';

/**
 * The refined views (declared in @hcdl/lake refined-views.ts, the same as Athena's): for each
 * resource type `fhir_<type>`, the current version of each resource that is not deleted, typed
 * columns then the whole resource as JSON; and `fhir_versions`, every version of every type
 * with `resource_type` and `deleted`. Read from the refined zone's objects at query time.
 */
export async function defineRefinedViews(con: DuckDBConnection, dataDir: string): Promise<void> {
  const columns = REFINED_VIEW_COLUMNS.map((c) => ident(c.name)).join(', ');
  const docs = versionDocs(dataDir);
  try {
    await con.run(`CREATE OR REPLACE VIEW ${ident(REFINED_VERSIONS_VIEW)} AS ${docs === undefined ? NO_VERSIONS : `SELECT ${VERSION_COLUMNS} FROM (${docs})`}`);
    for (const type of FHIR_RESOURCE_TYPES) {
      await con.run(
        `CREATE OR REPLACE VIEW ${ident(refinedViewName(type))} AS SELECT ${columns} FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY version_id DESC) AS latest FROM ${ident(REFINED_VERSIONS_VIEW)} WHERE resource_type = ${lit(type)}) WHERE latest = 1 AND NOT deleted`,
      );
    }
  } catch (err) {
    throw new QueryError(`cannot define the refined views: ${errorText(err).split('\n')[0] ?? ''}`, { cause: err });
  }
}
