import middy from '@middy/core';
import { createDedup, dedupOptions, createLanding, createMessageIngest, createWriter, type LandingOutcome } from '@hcdl/core';
import { s3CreatedObjectOfSqsBody } from '@hcdl/aws';
import { type Catalog, type Hub, type IdempotencyStore, type LogPort, type ObjectStore, ValidationError } from '@hcdl/lake';

export interface LandingDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  idempotencyStore: IdempotencyStore;
  logger: LogPort;
  config: { dedupWindowSeconds: number; fileDropSources: readonly string[]; maxBytes: number; concurrency: number };
  now?: () => Date;
}

/** The SQS batch Lambda receives from the landing queue (one EventBridge S3 event per message). */
export interface SqsBatch {
  Records: { messageId: string; body: string }[];
}

/** Partial batch response: only the failed messages go back to the queue (then its dead-letter queue). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const errorName = (err: unknown): string => (err instanceof Error ? err.name : typeof err);

/**
 * The landing function (S3 → EventBridge → landing queue → Lambda, with partial batch
 * failure): thin wiring of @hcdl/core's landing use-case, which ingests an uploaded or
 * dropped file exactly like a POST. A file that fails is reported as a batch item failure
 * (retried, then kept in the dead-letter queue); an event that is not an S3 Object Created
 * event never will be, so it is logged and dropped.
 */
export function createHandler(deps: LandingDeps) {
  const now = (): string => (deps.now?.() ?? new Date()).toISOString();
  const writer = createWriter({
    objectStore: deps.objectStore,
    catalog: deps.catalog,
    hub: deps.hub,
    logger: deps.logger,
    now,
    dedupWindowSeconds: deps.config.dedupWindowSeconds,
  });
  const ingestMessages = createMessageIngest({
    writer,
    dedup: createDedup(deps.idempotencyStore, deps.config.dedupWindowSeconds, dedupOptions(writer, {})),
    logger: deps.logger,
    concurrency: deps.config.concurrency,
  });
  const land = createLanding({
    objectStore: deps.objectStore,
    ingestMessages,
    logger: deps.logger,
    fileDropSources: deps.config.fileDropSources,
    maxBytes: deps.config.maxBytes,
  });

  async function one(body: string): Promise<LandingOutcome | undefined> {
    let object;
    try {
      object = s3CreatedObjectOfSqsBody(body);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      deps.logger.warn('landing queue message dropped: not an S3 Object Created event', { reason: err.message });
      return undefined;
    }
    return land({
      key: object.key,
      size: object.size,
      writtenAt: object.writtenAt,
      fingerprint: object.fingerprint,
      ...(object.principal ? { principal: object.principal } : {}),
    });
  }

  return middy(async (event: SqsBatch): Promise<BatchResponse> => {
    const failures: BatchResponse['batchItemFailures'] = [];
    // One file at a time: each may be large (its messages are ingested concurrently inside).
    for (const record of event.Records) {
      try {
        await one(record.body);
      } catch (err) {
        deps.logger.error('landed file failed; it will be retried', { error: errorName(err), queueMessageId: record.messageId });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  });
}
