import { Logger } from '@aws-lambda-powertools/logger';
import { createFrontDoor } from '@hcdl/fn-front-door';
import { createQueryApi, type QueryApi } from '@hcdl/fn-query-api';
import { createLocalAdapters, type LocalAdapters } from '../adapters/local-adapters';
import { openDevIssuer, type DevIssuer } from './dev-issuer';
import type { LocalConfig } from './env';
import { createTokenVerifier, type TokenVerifier } from './jwt';
import { wirePipeline, type PipelineOptions } from './pipeline';

export interface LocalLake {
  config: LocalConfig;
  adapters: LocalAdapters;
  frontDoor: ReturnType<typeof createFrontDoor>;
  /** The read routes (messages, lineage, errors, patients), as the query-api Lambda runs them. */
  queryApi: QueryApi;
  verify: TokenVerifier;
  /** Present when the lake uses its embedded dev issuer (no external OIDC issuer configured). */
  devIssuer?: DevIssuer;
  logger: Logger;
  /** Resolves when no pipeline work is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Wires the same function code the Lambdas run onto the embedded adapters: the front door
 * (with core in-process), and staging-er7 and core-writer subscribed to the in-process hub
 * with the filter policies declared beside them. Then resumes work left in flight.
 */
export async function openLocalLake(config: LocalConfig, options: PipelineOptions = {}): Promise<LocalLake> {
  const logger = new Logger({ serviceName: 'hcdl-local', logLevel: config.logLevel as 'INFO' });
  const adapters = createLocalAdapters({
    dataDir: config.dataDir,
    hub: { onDeadLetter: (l) => logger.error('event dead-lettered', { subscription: l.subscription, messageId: l.event.body.messageId, error: l.error }) },
  });
  const base = { objectStore: adapters.objectStore, catalog: adapters.catalog, hub: adapters.hub, logger };
  const frontDoor = createFrontDoor({
    ...base,
    idempotencyStore: adapters.idempotencyStore,
    config: { maxBodyBytes: config.maxBodyBytes, dedupWindowSeconds: config.dedupWindowSeconds },
  });
  const pipeline = wirePipeline(adapters, logger, options);

  let devIssuer: DevIssuer | undefined;
  let verify: TokenVerifier;
  if (config.oidc.jwksUrl !== undefined) {
    verify = createTokenVerifier({ issuer: config.oidc.issuer, audience: config.oidc.audience, jwksUrl: config.oidc.jwksUrl });
  } else {
    devIssuer = await openDevIssuer(config.dataDir, config.oidc.issuer, config.oidc.audience);
    verify = createTokenVerifier({ issuer: devIssuer.issuer, audience: devIssuer.audience, jwks: devIssuer.jwks });
  }
  await pipeline.core.resume();
  const lake: LocalLake = {
    config,
    adapters,
    frontDoor,
    queryApi: createQueryApi({ catalog: adapters.catalog, objectStore: adapters.objectStore, logger }),
    verify,
    logger,
    idle: () => adapters.hub.idle(),
    close: () => adapters.close(),
  };
  if (devIssuer !== undefined) lake.devIssuer = devIssuer;
  return lake;
}
