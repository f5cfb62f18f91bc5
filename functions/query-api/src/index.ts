import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { type ApiGatewayV2Event, type ApiGatewayV2Result, apiGatewayResultOf, apiRequestOf, INTERNAL_ERROR_BODY } from '@hcdl/aws';
import { createFhirApi, createHttpApi, createQueryApi, type FhirApiDeps, type QueryApiDeps } from '@hcdl/core';
import type { AuditTrail } from '@hcdl/lake';

export interface QueryApiHandlerDeps extends QueryApiDeps {
  audit?: AuditTrail;
  /**
   * The refined zone's resource index (the DynamoDB resource table) for the FHIR read routes.
   * No change feed: on AWS `GET /fhir/_changes` answers 404 naming the refined EventBridge bus
   * (docs/fhir.md).
   */
  resources?: FhirApiDeps['resources'];
}

/**
 * The query-api Lambda (the read routes behind API Gateway's JWT authorizer): thin wiring of
 * @hcdl/core's read use-cases and, with `resources`, the FHIR read API. Unexpected errors become the contract's generic 500, logged by
 * class name only (Middy's own logger would print the stack).
 */
export function createHandler(deps: QueryApiHandlerDeps) {
  // Every read is recorded in the audit trail (under audit/ in the lake bucket), which GET /audit reads.
  const audit = deps.audit !== undefined ? { audit: { trail: deps.audit, catalog: deps.catalog, logger: deps.logger } } : {};
  const fhir = deps.resources !== undefined ? { fhir: createFhirApi({ resources: deps.resources, objectStore: deps.objectStore }) } : {};
  const api = createHttpApi({ read: createQueryApi(deps), ...fhir, ...audit });
  const base = async (event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> => {
    try {
      return apiGatewayResultOf(await api.handle(apiRequestOf(event)));
    } catch (err) {
      deps.logger.error('read request failed', { error: (err as Error).name, routeKey: event.routeKey });
      throw err;
    }
  };
  return middy(base).use(httpErrorHandler({ logger: false, fallbackMessage: INTERNAL_ERROR_BODY })) as unknown as (
    event: ApiGatewayV2Event,
    context?: unknown,
  ) => Promise<ApiGatewayV2Result>;
}
