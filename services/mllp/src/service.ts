import { Logger } from '@aws-lambda-powertools/logger';
import { awsClientsFor, catalogFor, destroyAwsClients, hubFor, idempotencyStoreFor, ObjectAuditTrail, objectStoreFor } from '@hcdl/aws';
import { createApplicationAcks, createDedup, createOutcomeWatch, createSubmit, createWriter, dedupOptions } from '@hcdl/core';
import { type MllpListener, startMllpListener } from '@hcdl/local/mllp';
import type { MllpServiceEnv } from './env';

/** Longest wait for a message's staging before its application ACK is given up (the workflow's own limit is minutes). */
export const APPLICATION_ACK_TIMEOUT_MS = 120_000;

export interface RunningService {
  listeners: { port: number; source: string }[];
  /** Stops taking connections, answers what is in flight, releases the clients. */
  close(): Promise<void>;
}

/**
 * The MLLP service on AWS: the local lake's MLLP listener (one per configured port, each
 * recording its messages under its source) over @hcdl/core's submit use-case, wired to the AWS
 * adapters. It runs submit + ingest itself (ADR 0006): the message is durable in S3 and
 * DynamoDB before the ACK, and `ingested` is published to the hub, exactly as the front door
 * does it; MLLP has no authentication of its own, so the port decides the source.
 */
export async function startMllpService(
  env: MllpServiceEnv,
  logger = new Logger({ serviceName: 'hcdl-mllp', logLevel: env.logLevel }),
): Promise<RunningService> {
  const clients = awsClientsFor(env);
  const now = (): string => new Date().toISOString();
  const catalog = catalogFor(env, clients);
  const objectStore = objectStoreFor(env, clients);
  // One audit record per frame under audit/ (docs/adr/0016), as the local listener writes them.
  const audit = { trail: new ObjectAuditTrail(objectStore) };
  const writer = createWriter({
    objectStore,
    catalog,
    hub: hubFor(env, clients),
    logger,
    now,
    dedupWindowSeconds: env.dedupWindowSeconds,
  });
  // Enhanced mode's application ACK (MSH-16, docs/ack.md): the catalog is read until the staging workflow recorded the outcome.
  const applicationAcks = createApplicationAcks({ catalog, watch: createOutcomeWatch({ catalog }), timeoutMs: APPLICATION_ACK_TIMEOUT_MS });
  const submit = createSubmit({
    writer,
    dedup: createDedup(idempotencyStoreFor(env, clients), env.dedupWindowSeconds, dedupOptions(writer, {})),
    maxBodyBytes: env.maxBodyBytes,
    concurrency: env.submitConcurrency,
    logger,
  });
  const listeners: { listener: MllpListener; source: string }[] = [];
  try {
    for (const l of env.listeners) {
      const listener = await startMllpListener({
        host: env.host,
        port: l.port,
        source: l.source,
        maxFrameBytes: env.maxBodyBytes,
        limits: env.limits,
        submit,
        applicationAcks,
        audit,
        logger,
      });
      listeners.push({ listener, source: l.source });
      logger.info('mllp listening', { port: listener.port, source: l.source });
    }
  } catch (err) {
    await Promise.allSettled(listeners.map((l) => l.listener.close()));
    destroyAwsClients(clients);
    throw err;
  }
  return {
    listeners: listeners.map((l) => ({ port: l.listener.port, source: l.source })),
    async close() {
      await Promise.allSettled(listeners.map((l) => l.listener.close()));
      destroyAwsClients(clients);
      logger.info('mllp stopped');
    },
  };
}
