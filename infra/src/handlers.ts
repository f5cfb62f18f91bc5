/**
 * Which bundle and exported handler each Lambda runs: functions/<bundle>/dist/index.mjs,
 * built by scripts/bundle.mjs from functions/<bundle>/src/handler.ts. The staging workflow's
 * steps are further exports of the staging-er7 bundle.
 */
export const LAMBDAS = {
  frontDoor: { bundle: 'front-door', handler: 'index.handler' },
  queryApi: { bundle: 'query-api', handler: 'index.handler' },
  coreWriter: { bundle: 'core-writer', handler: 'index.handler' },
  /** Core's ingest, invoked synchronously by the front door (docs/adr/0005). */
  coreWriterIngest: { bundle: 'core-writer', handler: 'index.ingest' },
  stagingTrigger: { bundle: 'staging-er7', handler: 'index.handler' },
  stagingNormalize: { bundle: 'staging-er7', handler: 'index.normalize' },
  stagingParse: { bundle: 'staging-er7', handler: 'index.parse' },
} as const;

export type LambdaName = keyof typeof LAMBDAS;

/** Every bundle the stacks deploy (each must exist at synth time). */
export const BUNDLE_NAMES: readonly string[] = [...new Set(Object.values(LAMBDAS).map((l) => l.bundle))].sort();
