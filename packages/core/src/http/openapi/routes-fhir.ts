import { BEARER, ERRORS, pathId, queryParam } from './components';
import type { RouteDoc } from './types';

/** FHIR answers are `application/fhir+json` (a resource, or a searchset/history Bundle). */
const fhirJson = (description: string) => ({ description, content: { 'application/fhir+json': { schema: { type: 'object' } } } });
const FHIR_ERRORS = { 400: ERRORS[400], 401: ERRORS[401], 404: ERRORS[404] };
const typeParam = {
  name: 'type',
  in: 'path',
  required: true,
  description: 'A FHIR resource type the mapping makes (Patient, Encounter, ...).',
  schema: { type: 'string' },
};
const resourceId = pathId('A resource id.');
const vid = { name: 'vid', in: 'path', required: true, description: 'A version id.', schema: { type: 'string' } };
const COUNT = queryParam('_count', 'Results per page, 1..1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 });
const CURSOR = queryParam('cursor', 'The next page (from the Bundle `next` link).');

const read = (
  path: string,
  operationId: string,
  summary: string,
  parameters: Record<string, unknown>[],
  audit: 'read' | 'search',
  servedBy: 'both' | 'local' = 'both',
): RouteDoc => ({
  method: 'get',
  path,
  audit,
  entity: 'patient',
  ...(servedBy === 'local' ? { servedBy } : {}),
  operation: { operationId, summary, tags: ['fhir'], security: BEARER, parameters, responses: { 200: fhirJson(summary), ...FHIR_ERRORS } },
});

/**
 * The FHIR R4 read API over the refined zone (docs/fhir.md#read-api): readable when the
 * caller may read a source of one of the resource's messages, else 404. Served by the local
 * lake and by the query-api Lambda over the resource table; the change feed only locally (on
 * AWS the refined EventBridge bus and its archive are the feed, ADR 0011).
 */
// Literal paths come before the templated ones: the first match names a request's route.
export const FHIR_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/fhir/metadata',
    operation: {
      operationId: 'fhirCapabilities',
      summary: 'The CapabilityStatement of the FHIR read API',
      tags: ['fhir'],
      responses: { 200: fhirJson('The CapabilityStatement.') },
    },
  },
  read(
    '/fhir/Patient/{id}/$everything',
    'fhirPatientEverything',
    'A patient and every resource about it (searchset Bundle)',
    [resourceId, COUNT, CURSOR],
    'search',
  ),
  read(
    '/fhir/_changes',
    'fhirChanges',
    'The change feed: one entry per resource version, in commit order, paged',
    [queryParam('since', 'The position of the last change seen.'), queryParam('_type', 'Resource types, comma separated.'), COUNT],
    'search',
    'local',
  ),
  read(
    '/fhir/_changes/stream',
    'fhirChangeStream',
    'The change feed as server-sent events (one event per version)',
    [queryParam('since', 'The position of the last change seen.'), queryParam('_type', 'Resource types, comma separated.')],
    'search',
    'local',
  ),
  read(
    '/fhir/{type}',
    'fhirSearch',
    'Search resources of a type (searchset Bundle)',
    [
      typeParam,
      queryParam('identifier', 'Token: `system|value`, `|value` or `value`; comma means any of them.'),
      queryParam('patient', 'A Patient id or `Patient/<id>`.'),
      queryParam('code', 'Token, as identifier.'),
      queryParam('date', 'A FHIR date or dateTime with an optional prefix (eq, gt, ge, lt, le).'),
      queryParam('_lastUpdated', 'As date.'),
      queryParam('_id', 'Resource ids, comma separated.'),
      COUNT,
      CURSOR,
    ],
    'search',
  ),
  read('/fhir/{type}/{id}', 'fhirRead', 'The current version of a resource', [typeParam, resourceId], 'read'),
  read('/fhir/{type}/{id}/_history', 'fhirHistory', 'Every version of a resource (history Bundle)', [typeParam, resourceId, COUNT, CURSOR], 'read'),
  read('/fhir/{type}/{id}/_history/{vid}', 'fhirVread', 'One version of a resource', [typeParam, resourceId, vid], 'read'),
];
