/**
 * The contract routes of the HTTP API (ARCHITECTURE.md, "Contracts") and the function that
 * answers each. Every route but the health probe needs a valid JWT; ABAC on the
 * `custom:read` / `custom:write` claims is applied by the functions themselves.
 */
export const ApiTarget = { FrontDoor: 'frontDoor', QueryApi: 'queryApi' } as const;
export type ApiTarget = (typeof ApiTarget)[keyof typeof ApiTarget];

export interface ApiRoute {
  routeKey: string;
  target: ApiTarget;
  /** false only for the unauthenticated health probe. */
  authorized: boolean;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { routeKey: 'POST /hl7v2/er7', target: ApiTarget.FrontDoor, authorized: true },
  { routeKey: 'POST /hl7v2/uploads', target: ApiTarget.FrontDoor, authorized: true },
  { routeKey: 'GET /health', target: ApiTarget.FrontDoor, authorized: false },
  { routeKey: 'GET /hl7v2/messages', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /hl7v2/messages/{id}', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /hl7v2/messages/{id}/raw', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /hl7v2/messages/{id}/staging', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /hl7v2/messages/{id}/lineage', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /hl7v2/errors', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /hl7v2/batches/{id}', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /patients', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /patients/{id}', target: ApiTarget.QueryApi, authorized: true },
  // The FHIR read API over the resource table (docs/fhir.md); the CapabilityStatement is public,
  // as FHIR clients read it before they authenticate. No change feed route: on AWS the refined
  // EventBridge bus is the feed (GET /fhir/_changes reaches GET /fhir/{type}, which answers 404 naming it).
  { routeKey: 'GET /fhir/metadata', target: ApiTarget.QueryApi, authorized: false },
  { routeKey: 'GET /fhir/Patient/{id}/$everything', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /fhir/{type}', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /fhir/{type}/{id}', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /fhir/{type}/{id}/_history', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /fhir/{type}/{id}/_history/{vid}', target: ApiTarget.QueryApi, authorized: true },
  // docs/adr/0016: the audit trail (custom:audit) and the OpenAPI document.
  { routeKey: 'GET /audit', target: ApiTarget.QueryApi, authorized: true },
  { routeKey: 'GET /openapi.json', target: ApiTarget.QueryApi, authorized: false },
];
