/**
 * Which bundle and exported handler each Lambda runs: functions/<bundle>/dist/index.mjs,
 * built by scripts/bundle.mjs from functions/<bundle>/src/handler.ts. Each function package
 * is thin wiring of one use-case of @hcdl/core (docs/adr/0006-one-application-core.md).
 */
export const LAMBDAS = {
  /** POST /hl7v2/er7: submit and ingest (raw object + catalog row before the 2xx). */
  frontDoor: { bundle: 'front-door', handler: 'index.handler' },
  /** The read routes. */
  queryApi: { bundle: 'query-api', handler: 'index.handler' },
  /** Staging workflow task 1: raw bytes → staging JSON + patient facts, or diagnostics. */
  stagingStage: { bundle: 'staging-er7', handler: 'index.stage' },
  /** Staging workflow task 2: the outcome in the zones and the catalog, then `staged`/`failed`. */
  coreWriter: { bundle: 'core-writer', handler: 'index.handler' },
  /** Uploaded and dropped files (S3 events on the landing queue): the same ingest as the front door. */
  landing: { bundle: 'landing', handler: 'index.handler' },
  /** The scheduled sweep: messages left `ingested`, the staging dead-letter queue, the oldest waiting age. */
  sweeper: { bundle: 'sweeper', handler: 'index.handler' },
  /** The refined FHIR zone: staged messages refined into versions, objects in refined/, change events on the refined bus. */
  refined: { bundle: 'refined', handler: 'index.handler' },
} as const;

export type LambdaName = keyof typeof LAMBDAS;

/** Every bundle the stacks deploy (each must exist at synth time). */
export const BUNDLE_NAMES: readonly string[] = [...new Set(Object.values(LAMBDAS).map((l) => l.bundle))].sort();
