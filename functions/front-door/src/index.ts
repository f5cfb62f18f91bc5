import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { type ApiGatewayV2Event, type ApiGatewayV2Result, apiGatewayResultOf, apiRequestOf, INTERNAL_ERROR_BODY } from '@hcdl/aws';
import {
  createApplicationAcks,
  createDedup,
  dedupOptions,
  createHttpApi,
  createOutcomeWatch,
  createSubmit,
  createUploads,
  createWriter,
  type ObjectSigner,
} from '@hcdl/core';
import type { AuditTrail, Catalog, Hub, IdempotencyStore, LogPort, ObjectStore } from '@hcdl/lake';

export interface FrontDoorDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  idempotencyStore: IdempotencyStore;
  logger: LogPort;
  /** Presigns uploads (POST /hl7v2/uploads); absent: the route is not served. */
  signer?: Pick<ObjectSigner, 'presignUpload'>;
  /** The audit trail every submission is recorded in (docs/adr/0016); absent: not audited. */
  audit?: AuditTrail;
  config: {
    maxBodyBytes: number;
    dedupWindowSeconds: number;
    /** Most messages one request may hold (413 above it, pointing at the upload path). */
    maxBatchMessages?: number;
    /** Messages of one batch ingested at once. */
    concurrency?: number;
    /** Largest file one upload may hold. */
    uploadMaxBytes?: number;
    /**
     * Longest wait for staging of `?ack=application` (docs/ack.md), in ms; 0 turns the query
     * off. Default 20 s: under API Gateway's 29 s integration limit.
     */
    applicationAckTimeoutMs?: number;
  };
  now?: () => Date;
}

/** `?ack=application` waits at most this long on Lambda (API Gateway ends an integration at 29 s). */
export const DEFAULT_APPLICATION_ACK_TIMEOUT_MS = 20_000;

/** The class name of a thrown value (never its message: it may quote the input). */
const errorName = (err: unknown): string => (err instanceof Error ? err.name : typeof err);

/**
 * The front-door Lambda (API Gateway HTTP API, payload v2, behind a JWT authorizer): thin
 * wiring of @hcdl/core's submit and ingest use-cases (POST /hl7v2/er7) and of the upload
 * use-case (POST /hl7v2/uploads: a presigned POST, ingested by the landing function). Unexpected errors
 * become the contract's generic 500, logged by class name only.
 */
export function createHandler(deps: FrontDoorDeps) {
  const now = (): string => (deps.now?.() ?? new Date()).toISOString();
  const writer = createWriter({
    objectStore: deps.objectStore,
    catalog: deps.catalog,
    hub: deps.hub,
    logger: deps.logger,
    now,
    dedupWindowSeconds: deps.config.dedupWindowSeconds,
  });
  const { config } = deps;
  const submit = createSubmit({
    writer,
    dedup: createDedup(deps.idempotencyStore, config.dedupWindowSeconds, dedupOptions(writer, {})),
    maxBodyBytes: config.maxBodyBytes,
    logger: deps.logger,
    ...(config.maxBatchMessages !== undefined ? { maxMessages: config.maxBatchMessages } : {}),
    ...(config.concurrency !== undefined ? { concurrency: config.concurrency } : {}),
  });
  const uploads =
    deps.signer === undefined || config.uploadMaxBytes === undefined
      ? undefined
      : createUploads({ signer: deps.signer, maxUploadBytes: config.uploadMaxBytes, ...(deps.now !== undefined ? { now: deps.now } : {}) });
  const ackTimeout = config.applicationAckTimeoutMs ?? DEFAULT_APPLICATION_ACK_TIMEOUT_MS;
  // The application ACK reads the catalog until the staging workflow recorded the outcome.
  const applicationAcks =
    ackTimeout > 0 ? createApplicationAcks({ catalog: deps.catalog, watch: createOutcomeWatch({ catalog: deps.catalog }), timeoutMs: ackTimeout }) : undefined;
  const audit = deps.audit !== undefined ? { audit: { trail: deps.audit, logger: deps.logger } } : {};
  const api = createHttpApi({
    submit,
    ...(uploads !== undefined ? { uploads } : {}),
    ...(applicationAcks !== undefined ? { applicationAcks } : {}),
    ...audit,
  });
  const base = async (event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> => apiGatewayResultOf(await api.handle(apiRequestOf(event)));
  return middy(base).use(
    httpErrorHandler({ fallbackMessage: INTERNAL_ERROR_BODY, logger: (err: unknown) => deps.logger.error('request failed', { error: errorName(err) }) }),
  ) as unknown as (event: ApiGatewayV2Event, context?: unknown) => Promise<ApiGatewayV2Result>;
}
