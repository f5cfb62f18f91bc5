import { SCHEMAS } from './components';
import { API_ROUTES_DOC } from './routes';
import type { RouteDoc } from './types';

export const OPENAPI_PATH = '/openapi.json';

/**
 * The OpenAPI 3.1 document of the API, built from the route table: the same object is served
 * at /openapi.json, checked in as docs/openapi.json and rendered as docs/api.md.
 */
export function openApiDocument(routes: readonly RouteDoc[] = API_ROUTES_DOC): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const entry = paths[r.path] ?? {};
    const extensions: Record<string, unknown> = {};
    if (r.audit !== undefined) extensions['x-hcdl-audit'] = r.audit;
    if (r.servedBy !== undefined && r.servedBy !== 'both') extensions['x-hcdl-served-by'] = r.servedBy;
    entry[r.method] = { ...r.operation, ...extensions };
    paths[r.path] = entry;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'HCDL: HL7 v2 data lake',
      version: '0.1.0',
      description:
        'The HTTP API of the lake (local server and AWS API Gateway). Errors are always `{ "error": { "code", "message", "details"? } }`. Every answer carries `Cache-Control: no-store`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'http://localhost:8080', description: 'the local lake (pnpm start)' }],
    tags: [
      { name: 'ingest', description: 'Submitting HL7 v2' },
      { name: 'messages', description: 'Messages, zone objects, lineage, errors' },
      { name: 'patients', description: 'The patient index' },
      { name: 'fhir', description: 'FHIR R4 reads of the refined zone and its change feed' },
      { name: 'operations', description: 'Health, metrics, audit, this document' },
      { name: 'console', description: 'The web console (static files)' },
    ],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT of the configured issuer (Cognito, any OIDC issuer, or the local dev issuer: `hcdl token`). ABAC on `custom:write`, `custom:read`, `custom:audit`.',
        },
      },
    },
  };
}

/** The document as checked in (docs/openapi.json): two-space JSON and a final newline. */
export const openApiText = (routes?: readonly RouteDoc[]): string => `${JSON.stringify(openApiDocument(routes), null, 2)}\n`;
