import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { type ApiGatewayV2Event, type ApiGatewayV2Result, apiGatewayResultOf, apiRequestOf, INTERNAL_ERROR_BODY } from '@hcdl/aws';
import { createDedup, createHttpApi, createSubmit, createWriter } from '@hcdl/core';
import type { Catalog, Hub, IdempotencyStore, LogPort, ObjectStore } from '@hcdl/lake';

export interface FrontDoorDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  idempotencyStore: IdempotencyStore;
  logger: LogPort;
  config: { maxBodyBytes: number; dedupWindowSeconds: number };
  now?: () => Date;
}

/** The class name of a thrown value (never its message: it may quote the input). */
const errorName = (err: unknown): string => (err instanceof Error ? err.name : typeof err);

/**
 * The front-door Lambda (API Gateway HTTP API, payload v2, behind a JWT authorizer): thin
 * wiring of @hcdl/core's submit and ingest use-cases to the HTTP routes. Unexpected errors
 * become the contract's generic 500, logged by class name only.
 */
export function createHandler(deps: FrontDoorDeps) {
  const now = (): string => (deps.now?.() ?? new Date()).toISOString();
  const writer = createWriter({ objectStore: deps.objectStore, catalog: deps.catalog, hub: deps.hub, logger: deps.logger, now });
  const submit = createSubmit({
    writer,
    dedup: createDedup(deps.idempotencyStore, deps.config.dedupWindowSeconds),
    maxBodyBytes: deps.config.maxBodyBytes,
    logger: deps.logger,
  });
  const api = createHttpApi({ submit });
  const base = async (event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> => apiGatewayResultOf(await api.handle(apiRequestOf(event)));
  return middy(base).use(
    httpErrorHandler({ fallbackMessage: INTERNAL_ERROR_BODY, logger: (err: unknown) => deps.logger.error('request failed', { error: errorName(err) }) }),
  ) as unknown as (event: ApiGatewayV2Event, context?: unknown) => Promise<ApiGatewayV2Result>;
}
