import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Catalog, Claims } from '@hcdl/lake';
import { createCore, type CoreDeps, type CoreIngestPort, type LogPort } from '@hcdl/fn-core-writer';
import { createDedup } from './dedup';
import { httpError, type HttpResult } from './http';
import { createGetMessage } from './read';
import { createSubmit } from './submit';

export * from './body';
export * from './dedup';
export * from './http';
export * from './read';
export * from './submit';

export interface FrontDoorConfig {
  /** Largest accepted body in bytes (default 10 MB). */
  maxBodyBytes: number;
  /** Deduplication window in seconds (default one year). */
  dedupWindowSeconds: number;
}

export const DEFAULT_FRONT_DOOR_CONFIG: FrontDoorConfig = { maxBodyBytes: 10 * 1024 * 1024, dedupWindowSeconds: 365 * 24 * 3600 };

/**
 * The front door with core in-process as a library (the local lake): it gets core's ports
 * and builds core itself. See docs/adr/0004-core-in-process-ingest.md.
 */
export interface InProcessFrontDoorDeps extends CoreDeps {
  idempotencyStore: BasePersistenceLayer;
  config: FrontDoorConfig;
}

/**
 * The front door with core behind a port (AWS: core-writer's ingest function, the only
 * writer of the zones and the catalog; see docs/adr/0005-core-writer-owns-writes-on-aws.md).
 * The catalog is only read (GET /hl7v2/messages/{id}).
 */
export interface RemoteCoreFrontDoorDeps {
  core: CoreIngestPort;
  catalog: Catalog;
  logger: LogPort;
  idempotencyStore: BasePersistenceLayer;
  config: FrontDoorConfig;
}

export type FrontDoorDeps = InProcessFrontDoorDeps | RemoteCoreFrontDoorDeps;

const coreOf = (deps: FrontDoorDeps): CoreIngestPort => ('core' in deps ? deps.core : createCore(deps));

/** The routes of the front door as plain functions (the local server calls these). */
export function createFrontDoor(deps: FrontDoorDeps) {
  const core = coreOf(deps);
  const submit = createSubmit({
    core,
    dedup: createDedup(deps.idempotencyStore, deps.config.dedupWindowSeconds),
    maxBodyBytes: deps.config.maxBodyBytes,
    logger: deps.logger,
  });
  const getMessage = createGetMessage({ catalog: deps.catalog as Catalog });
  return { core, submit, getMessage };
}

/** The API Gateway HTTP API (payload v2) event fields the handler reads. */
export interface ApiGatewayV2Event {
  routeKey?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string; path?: string }; authorizer?: { jwt?: { claims?: Claims } } };
}

export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The class name of a thrown value (never its message: it may quote the input). */
const errorName = (err: unknown): string => (err instanceof Error ? err.name : typeof err);

const toResult = (r: HttpResult): ApiGatewayV2Result => ({ statusCode: r.status, headers: r.headers, body: r.body });

/**
 * Lambda handler factory. API Gateway's JWT authorizer has verified the token; its claims
 * arrive in requestContext.authorizer.jwt.claims. Unexpected errors become a generic 500.
 */
export function createHandler(deps: FrontDoorDeps) {
  const door = createFrontDoor(deps);
  const base = async (event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> => {
    const method = event.requestContext?.http?.method ?? 'GET';
    const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
    const claims = event.requestContext?.authorizer?.jwt?.claims;
    if (method === 'GET' && path === '/health') return toResult({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' });
    if (method === 'POST' && path === '/hl7v2/er7') {
      const body = event.body === undefined ? new Uint8Array(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      return toResult(await door.submit({ claims, headers: event.headers ?? {}, query: event.queryStringParameters ?? {}, body }));
    }
    const m = /^\/hl7v2\/messages\/([^/]+)$/.exec(path);
    if (method === 'GET' && m !== null) return toResult(await door.getMessage(claims, decodeURIComponent(m[1] as string)));
    return toResult(httpError(404, 'NOT_FOUND', 'no such route'));
  };
  return middy(base).use(
    httpErrorHandler({
      fallbackMessage: JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } }),
      // Middy's default logger prints the whole error; a message can quote input. Only its name.
      logger: (err: unknown) => deps.logger.error('request failed', { error: errorName(err) }),
    }),
  ) as unknown as (event: ApiGatewayV2Event, context?: unknown) => Promise<ApiGatewayV2Result>;
}
