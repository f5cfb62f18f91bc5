import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  type Application,
  type ApplicationAcks,
  type ApplicationOptions,
  createApplication,
  createApplicationAcks,
  createHttpApi,
  createOutcomeWatch,
  createReplayRoute,
  type HttpApi,
  REFINED_SUBSCRIPTION,
  STAGING_SUBSCRIPTION,
  targetOf,
} from '@hcdl/core';
import { HubEventName, isHubEvent, MessageStatus } from '@hcdl/lake';
import { createHealthChecks } from '../observe/health';
import { createLakeMetrics, type LakeMetrics } from '../observe/metrics';
import { subscribeMetrics } from '../observe/hub-metrics';
import { createLocalAdapters } from '../adapters/local-adapters';
import { failpointsOf, type LakeAdapters, markCleanStop, resumeRefined, subscribeRefined, withRefinedStore } from './refined';
import { type RefinedThread, startRefinedThread } from './refined-worker';
import { removeStaleTempFiles } from '../adapters/temp-files';
import { openDevIssuer, type DevIssuer } from './dev-issuer';
import type { LocalConfig } from './env';
import { createTokenVerifier, type TokenVerifier } from './jwt';
import { doorPreparation } from '../staging/door';
import { createStagingPool, type StagingPool } from '../staging/pool';
import { StagingScheduler } from '../staging/scheduler';

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
  /** The staging queue (backlog shown by /health). */
  staging: StagingScheduler;
  /** Application ACKs after staging (HTTP `?ack=application`, MLLP MSH-16): docs/ack.md. */
  applicationAcks: ApplicationAcks;
  /** Prometheus metrics of this lake (GET /metrics). */
  metrics: LakeMetrics;
  /** The thread that runs the refined stage (ADR 0018); absent when it runs on the main thread. */
  refinedThread: RefinedThread | undefined;
  /**
   * Runs a request's use-case with its writes committed together and resolves once they are
   * durable: the transport answers after it (GroupCommit.deferred). `ran` settles when the
   * work has run, `durable` when its writes are on disk.
   */
  durably<T>(work: () => Promise<T>): { ran: Promise<T>; durable: Promise<T> };
  /** Resolves when everything written so far is durable (a read's answer waits for it). */
  settled(): Promise<void>;
  /** Resolves when no pipeline work is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The lake's logger: Powertools, as on Lambda (JSON lines on stdout). */
export function localLogger(config: Pick<LocalConfig, 'logLevel'>, serviceName = 'hcdl-local'): Logger {
  return new Logger({ serviceName, logLevel: config.logLevel as 'INFO' });
}

/** The application core on the embedded adapters, with its staging queue and worker pool. */
export interface LocalApplication {
  adapters: LakeAdapters;
  app: Application;
  staging: StagingScheduler;
  /** The worker pool that stages (absent when the caller gave its own stager). */
  pool: StagingPool | undefined;
  /** The thread that runs the refined stage (ADR 0018); absent when it runs on this thread. */
  refinedThread: RefinedThread | undefined;
  /** Resolves when no event is in flight and nothing waits for staging. */
  idle(): Promise<void>;
  /**
   * Stops: work in progress finishes. `cleanStop` (the lake's own close) records that no staged
   * message waits for the refined stage, so the next start skips the catalog scan.
   */
  close(options?: { cleanStop?: boolean }): Promise<void>;
}

/** How the local application is opened beyond the core's options. */
export interface LocalApplicationOptions extends ApplicationOptions {
  /**
   * Run the refined stage in a thread of its own (default), or on this thread (`hcdl replay
   * --fhir`, which serves nothing; a caller that injects `now` or `failpoint` functions, which
   * cannot cross to another thread, also gets it here).
   */
  refinedThread?: boolean;
}

/** Outcomes recorded at once: their writes share the group commits. */
const RECORDING_CONCURRENCY = 64;

/**
 * Opens the application core on the embedded adapters of one data folder, with the staging
 * workflow (stage in the worker pool, then record the outcome) fed by the in-process hub
 * through the filter policy the AWS stack uses, and queued by the staging scheduler.
 * Nothing is staged until `staging.resume()` or a new message.
 */
export async function openLocalApplication(config: LocalConfig, logger: Logger, localOptions: LocalApplicationOptions = {}): Promise<LocalApplication> {
  const { refinedThread: threadWanted, ...options } = localOptions;
  const adapters = withRefinedStore(
    createLocalAdapters({
      dataDir: config.dataDir,
      hub: {
        onDeadLetter: (l) => logger.error('event dead-lettered', { subscription: l.subscription, messageId: eventMessageId(l.event), error: l.error }),
      },
    }),
  );
  const failpoint = failpointsOf(config.failpoints);
  // A caller's own stager (tests run an "older parser") stages in this thread; else the pool does.
  const pool = options.stager === undefined ? createStagingPool({ ...config.staging, logger }) : undefined;
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
    {
      maxBodyBytes: config.maxBodyBytes,
      dedupWindowSeconds: config.dedupWindowSeconds,
      dedupInProgressSeconds: config.dedupInProgressSeconds,
      validation: config.validation,
      ...(config.identityPolicy !== undefined ? { identityPolicy: config.identityPolicy } : {}),
    },
    // One process: the staging JSON is handed from stage to outcome in memory, never via work/.
    {
      inlineBytes: Number.POSITIVE_INFINITY,
      ...(failpoint !== undefined ? { failpoint } : {}),
      // Large bodies are split and hashed on a staging worker, not on the loop that serves requests.
      prepare: doorPreparation(pool),
      ...options,
      ...(pool !== undefined ? { stager: pool.stager } : {}),
    },
  );
  const catalog = adapters.catalog;
  const staging = new StagingScheduler({
    work: {
      stage: (event) => app.stage(targetOf(event)),
      // An outcome's writes (staging object, patient index, status) share one commit and one wait.
      apply: (output) => adapters.group.deferred(() => app.outcomes.apply(output)),
    },
    waiting: {
      oldest: (limit, after) => catalog.oldestByStatus(MessageStatus.Ingested, limit, after),
      count: (cap) => catalog.countByStatus(MessageStatus.Ingested, cap),
      get: (id) => catalog.getMessage(id),
    },
    durable: () => adapters.group.settled(),
    detach: (work) => adapters.group.detached(work),
    // Two per thread: one message is read and handed over while the other is staged.
    stageConcurrency: 2 * config.staging.threads,
    applyConcurrency: RECORDING_CONCURRENCY,
    bound: config.staging.backlog,
    retryFailedMs: config.staging.retryMs,
    logger,
  });
  const inThread = threadWanted ?? (options.now === undefined && options.failpoint === undefined);
  const refinedThread =
    app.refined !== undefined && inThread
      ? startRefinedThread({ dataDir: adapters.dataDir, logLevel: config.logLevel, failpoints: config.failpoints, hub: adapters.hub, logger })
      : undefined;
  subscribeRefined(adapters, app, refinedThread);
  adapters.hub.subscribe({
    ...STAGING_SUBSCRIPTION,
    handle: async (event) => {
      if (isHubEvent(event, HubEventName.Ingested)) staging.offer(event);
    },
  });
  const idle = async (): Promise<void> => {
    // Staging publishes events, events start staging and refining, refining announces: until all are quiet.
    do {
      await adapters.hub.idle();
      await staging.idle();
      await refinedThread?.idle();
    } while (adapters.hub.busy() || refinedThread?.busy() === true);
  };
  return {
    adapters,
    app,
    staging,
    pool,
    refinedThread,
    idle,
    async close(options = {}) {
      // Work in progress finishes; what waits stays `ingested` for the next start.
      await staging.close();
      if (refinedThread !== undefined) {
        await idle();
        // The thread finishes what it has, records the clean stop in refined.db (it owns its writes), and ends.
        await refinedThread.close(options.cleanStop === true);
      }
      await adapters.hub.idle();
      if (refinedThread === undefined && options.cleanStop === true) await markCleanStop(adapters);
      await pool?.close();
      await adapters.close();
    },
  };
}

const eventMessageId = (event: { body: unknown }): string | undefined => {
  const id = (event.body as { messageId?: unknown } | null)?.messageId;
  return typeof id === 'string' ? id : undefined;
};

/** The local lake: the application core, its HTTP routes, token verification, then resume of work left in flight. */
export async function openLocalLake(config: LocalConfig, options: LocalApplicationOptions = {}): Promise<LocalLake> {
  const logger = localLogger(config);
  const local = await openLocalApplication(config, logger, options);
  const { adapters, app, staging, pool, refinedThread } = local;
  let devIssuer: DevIssuer | undefined;
  let verify: TokenVerifier;
  if (config.oidc.jwksUrl !== undefined) {
    verify = createTokenVerifier({ issuer: config.oidc.issuer, audience: config.oidc.audience, jwksUrl: config.oidc.jwksUrl });
  } else {
    devIssuer = await openDevIssuer(config.dataDir, config.oidc.issuer, config.oidc.audience);
    verify = createTokenVerifier({ issuer: devIssuer.issuer, audience: devIssuer.audience, jwks: devIssuer.jwks });
  }
  // Temp files a killed process (or a full disk) left in the zones folder.
  const stale = await removeStaleTempFiles(path.join(config.dataDir, 'zones'));
  if (stale > 0) logger.warn('temp files of an unfinished write removed', { count: stale });
  // Work a previous process left (rows still `ingested`) is read back from the catalog.
  const waiting = adapters.catalog.countByStatus(MessageStatus.Ingested, 1_000_000);
  if (waiting > 0) logger.info('resuming messages waiting for staging', { count: waiting });
  staging.resume();
  await resumeRefined(adapters, app, logger, refinedThread);
  // The outcome of a message is awaited on the catalog; the hub's staged/failed events wake the wait at once.
  const watch = createOutcomeWatch({ catalog: adapters.catalog });
  adapters.hub.subscribe({
    name: 'application-acks',
    filterPolicy: { event: [HubEventName.Staged, HubEventName.Failed] },
    handle: async (event) => {
      const id = eventMessageId(event);
      if (id !== undefined) watch.notify(id);
    },
  });
  // Long enough for a message that waits its turn behind a backlog and then uses its whole staging time.
  const applicationAcks = createApplicationAcks({ catalog: adapters.catalog, watch, timeoutMs: 2 * config.staging.timeoutMs });

  const metrics = createLakeMetrics({ backlog: () => staging.backlog() });
  subscribeMetrics(adapters.hub, metrics);
  const checks = createHealthChecks({ db: adapters.db, group: adapters.group, zonesDir: path.join(adapters.dataDir, 'zones') });
  const health = async () => ({
    checks: {
      ...(await checks()),
      // A refined thread that died: the FHIR zone stops following until a restart refines what it missed.
      ...(refinedThread !== undefined ? { refined: refinedThread.alive() ? { ok: true, ms: 0 } : { ok: false, ms: 0, error: 'RefinedThreadStopped' } } : {}),
    },
    staging: { ...staging.backlog(), ...(pool !== undefined ? { pool: pool.stats() } : {}) },
    // The refined stage's backlog: staged messages being refined, and those waiting for a turn (it yields to ingest and staging when cores are short).
    ...(refinedThread !== undefined
      ? { refined: { inWork: refinedThread.inWork(), waiting: adapters.hub.waiting(REFINED_SUBSCRIPTION.name), nice: refinedThread.nice() ?? null } }
      : {}),
    // Group commit since start: writes per sync is how much concurrent requests share the disk.
    durability: { ...adapters.group.stats, syncMs: Math.round(adapters.group.stats.syncMs) },
  });
  const lake: LocalLake = {
    config,
    adapters,
    app,
    http: createHttpApi({
      submit: app.submit,
      read: app.read,
      replay: createReplayRoute({ replay: app.replay, catalog: adapters.catalog }),
      health,
      applicationAcks,
      audit: { trail: adapters.audit, catalog: adapters.catalog, logger },
      ...(app.refined !== undefined ? { fhir: app.refined.fhir } : {}),
    }),
    applicationAcks,
    verify,
    logger,
    staging,
    metrics,
    refinedThread,
    durably: (work) => adapters.group.scoped(work),
    // The read routes read the catalog and the refined store: both durable before an answer.
    settled: async () => {
      await Promise.all([adapters.group.settled(), adapters.resources.settled()]);
    },
    idle: local.idle,
    close: () => local.close({ cleanStop: true }),
  };
  if (devIssuer !== undefined) lake.devIssuer = devIssuer;
  return lake;
}
