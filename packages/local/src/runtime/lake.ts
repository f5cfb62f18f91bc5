import { Logger } from '@aws-lambda-powertools/logger';
import { type Application, type ApplicationOptions, createApplication, createHttpApi, type HttpApi, STAGING_SUBSCRIPTION } from '@hcdl/core';
import { HubEventName, isHubEvent } from '@hcdl/lake';
import { createLocalAdapters } from '../adapters/local-adapters';
import { failpointsOf, type LakeAdapters, markCleanStop, resumeRefined, subscribeRefined, withRefinedStore } from './refined';
import { openDevIssuer, type DevIssuer } from './dev-issuer';
import type { LocalConfig } from './env';
import { createTokenVerifier, type TokenVerifier } from './jwt';

export interface LocalLake {
  config: LocalConfig;
  adapters: LakeAdapters;
  /** The application core over the embedded adapters (one per process). */
  app: Application;
  /** Every HTTP route (submit, reads, health) over `app`, as the Lambdas serve them. */
  http: HttpApi;
  verify: TokenVerifier;
  /** Present when the lake uses its embedded dev issuer (no external OIDC issuer configured). */
  devIssuer?: DevIssuer;
  logger: Logger;
  /** Resolves when no pipeline work is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The lake's logger: Powertools, as on Lambda (JSON lines on stdout). */
export function localLogger(config: Pick<LocalConfig, 'logLevel'>, serviceName = 'hcdl-local'): Logger {
  return new Logger({ serviceName, logLevel: config.logLevel as 'INFO' });
}

/**
 * Opens the application core on the embedded adapters of one data folder, with the staging
 * workflow (stage, then record the outcome) subscribed to the in-process hub by the filter
 * policy the AWS stack uses. Work left in flight by a previous process is resumed when
 * `resume` is not false.
 */
export async function openLocalApplication(
  config: LocalConfig,
  logger: Logger,
  options: ApplicationOptions = {},
): Promise<{ adapters: LakeAdapters; app: Application }> {
  const adapters = withRefinedStore(
    createLocalAdapters({
      dataDir: config.dataDir,
      hub: {
        onDeadLetter: (l) => logger.error('event dead-lettered', { subscription: l.subscription, messageId: eventMessageId(l.event), error: l.error }),
      },
    }),
  );
  const failpoint = failpointsOf(config.failpoints);
  const app = createApplication(
    {
      objectStore: adapters.objectStore,
      catalog: adapters.catalog,
      hub: adapters.hub,
      logger,
      idempotencyStore: adapters.idempotencyStore,
      resources: adapters.resources,
      changeFeed: adapters.resources,
    },
    { maxBodyBytes: config.maxBodyBytes, dedupWindowSeconds: config.dedupWindowSeconds },
    // One process: the staging JSON is handed from stage to outcome in memory, never via work/.
    { inlineBytes: Number.POSITIVE_INFINITY, ...(failpoint !== undefined ? { failpoint } : {}), ...options },
  );
  subscribeRefined(adapters, app);
  adapters.hub.subscribe({
    ...STAGING_SUBSCRIPTION,
    handle: async (event) => {
      if (isHubEvent(event, HubEventName.Ingested)) await app.runStaging(event);
    },
  });
  return { adapters, app };
}

const eventMessageId = (event: { body: unknown }): string | undefined => {
  const id = (event.body as { messageId?: unknown } | null)?.messageId;
  return typeof id === 'string' ? id : undefined;
};

/** The local lake: the application core, its HTTP routes, token verification, then resume of work left in flight. */
export async function openLocalLake(config: LocalConfig, options: ApplicationOptions = {}): Promise<LocalLake> {
  const logger = localLogger(config);
  const { adapters, app } = await openLocalApplication(config, logger, options);
  let devIssuer: DevIssuer | undefined;
  let verify: TokenVerifier;
  if (config.oidc.jwksUrl !== undefined) {
    verify = createTokenVerifier({ issuer: config.oidc.issuer, audience: config.oidc.audience, jwksUrl: config.oidc.jwksUrl });
  } else {
    devIssuer = await openDevIssuer(config.dataDir, config.oidc.issuer, config.oidc.audience);
    verify = createTokenVerifier({ issuer: devIssuer.issuer, audience: devIssuer.audience, jwks: devIssuer.jwks });
  }
  await app.replay.resume();
  await resumeRefined(adapters, app, logger);
  const lake: LocalLake = {
    config,
    adapters,
    app,
    http: createHttpApi({ submit: app.submit, read: app.read, ...(app.refined !== undefined ? { fhir: app.refined.fhir } : {}) }),
    verify,
    logger,
    idle: () => adapters.hub.idle(),
    close: async () => {
      await adapters.hub.idle();
      markCleanStop(adapters);
      await adapters.close();
    },
  };
  if (devIssuer !== undefined) lake.devIssuer = devIssuer;
  return lake;
}
