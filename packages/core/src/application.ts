import type { Catalog, ChangeFeed, Hub, IdempotencyStore, IdentityPolicy, IngestedEvent, LogPort, ObjectStore, ResourceStore } from '@hcdl/lake';
import { createRefinedStage, type RefinedStage } from './refine/stage';
import { createOutcomes, type Outcomes } from './outcomes/apply';
import { createQueryApi, type QueryApi } from './read/router';
import { createReplay, type Replay } from './replay/replay';
import { createDoorReplay } from './replay/door-replay';
import { createMessageIngest, type MessageIngestDeps } from './submit/messages';
import { createStage, type Stage, targetOf } from './stage/stage';
import type { Stager } from './stage/steps';
import type { ValidationPolicies } from './policy/validation-policy';
import { createDedup, dedupOptions } from './submit/dedup';
import { createSubmit, type Submit } from './submit/submit';
import { createWriter, type Writer } from './ingest/writer';

/** The ports of the application (adapters are chosen by the process that wires it). */
export interface ApplicationPorts {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  logger: LogPort;
  /** The refined zone's index; with it the application refines staged messages and serves /fhir. */
  resources?: ResourceStore;
  /** The change feed over `resources` (GET /fhir/_changes), where the deployment has one. */
  changeFeed?: ChangeFeed;
}

export interface ApplicationConfig {
  /** Largest accepted body in bytes (SETTINGS.maxBodyBytes). */
  maxBodyBytes: number;
  /** Deduplication window in seconds (SETTINGS.dedupWindowSeconds). */
  dedupWindowSeconds: number;
  /** Which patient identifiers link, per source (absent: the shipped policy, docs/identity.md). */
  identityPolicy?: IdentityPolicy;
  /** The validation policy of each source (HCDL_VALIDATION_POLICY*, docs/adr/0013); default standard. */
  validation?: ValidationPolicies;
  /** When a dedup record left in progress (a crash) may be taken over, in seconds (SETTINGS.dedupInProgressSeconds; default 60). */
  dedupInProgressSeconds?: number;
}

export interface ApplicationOptions {
  /** Replaces the staging function (tests run an "older parser", then replay). */
  stager?: Stager;
  /** How the door prepares submitted bytes (split, headers, hashes; default on this thread): see MessageIngestDeps.prepare. */
  prepare?: MessageIngestDeps['prepare'];
  /** Largest staging JSON handed inline from stage to outcome (default: 128 KB; Infinity in one process). */
  inlineBytes?: number;
  now?: () => Date;
  /** Fault injection for crash tests, awaited at named points of the use-cases (see RefineDeps). */
  failpoint?: (name: string) => Promise<void>;
}

/**
 * The whole application core (the local lake runs all of it in one process; each Lambda
 * builds only the use-case it runs, from the same factories), built once per process over the ports it is given: every use-case
 * of a message's walk, written once. Transports (HTTP server, Lambda handlers, MLLP) only
 * translate their input into these calls and the results back.
 */
export interface Application {
  /** POST /hl7v2/er7 and MLLP frames: limits, batch split, dedup, durable ingest. */
  submit: Submit;
  /** Ingest (raw + catalog durable, publish) and the error zone of rejected input. */
  writer: Writer;
  /** Stage one message: raw bytes → staging JSON + patient facts, or diagnostics. */
  stage: Stage;
  /** Record a staging outcome in the zones and the catalog; publish `staged` / `failed`. */
  outcomes: Outcomes;
  /** Stage then record the outcome, in this process (the local workflow). */
  runStaging(event: IngestedEvent): Promise<void>;
  replay: Replay;
  /** The read routes (messages, lineage, errors, patients). */
  read: QueryApi;
  /** The refined FHIR stage and its read API, when the ports include a resource store. */
  refined?: RefinedStage;
}

export function createApplication(
  ports: ApplicationPorts & { idempotencyStore: IdempotencyStore },
  config: ApplicationConfig,
  options: ApplicationOptions = {},
): Application {
  const now = (): string => (options.now?.() ?? new Date()).toISOString();
  const writer = createWriter({ ...ports, now, dedupWindowSeconds: config.dedupWindowSeconds });
  const stage = createStage({
    objectStore: ports.objectStore,
    logger: ports.logger,
    ...(options.stager !== undefined ? { stager: options.stager } : {}),
    ...(options.inlineBytes !== undefined ? { inlineBytes: options.inlineBytes } : {}),
    ...(config.validation !== undefined ? { policies: config.validation } : {}),
  });
  const outcomes = createOutcomes({
    ...ports,
    now,
    recordError: writer.recordError,
    ...(config.identityPolicy !== undefined ? { identityPolicy: config.identityPolicy } : {}),
  });
  const dedup = createDedup(ports.idempotencyStore, config.dedupWindowSeconds, dedupOptions(writer, config));
  const prepare = options.prepare !== undefined ? { prepare: options.prepare } : {};
  const submit = createSubmit({ writer, dedup, maxBodyBytes: config.maxBodyBytes, logger: ports.logger, ...prepare });
  // Replay of what the door refused goes through the door's own split and dedup again.
  const door = createDoorReplay({
    catalog: ports.catalog,
    objectStore: ports.objectStore,
    recordError: writer.recordError,
    ingestMessages: createMessageIngest({ writer, dedup, logger: ports.logger, ...prepare }),
    logger: ports.logger,
  });
  return {
    submit,
    writer,
    stage,
    outcomes,
    async runStaging(event) {
      await outcomes.apply(await stage(targetOf(event)));
    },
    replay: createReplay({ catalog: ports.catalog, logger: ports.logger, now, publishIngested: writer.publishIngested, door }),
    read: createQueryApi(ports),
    ...(ports.resources !== undefined
      ? {
          refined: createRefinedStage({
            ...ports,
            resources: ports.resources,
            now,
            ...(options.failpoint !== undefined ? { failpoint: options.failpoint } : {}),
          }),
        }
      : {}),
  };
}
