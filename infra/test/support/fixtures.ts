import path from 'node:path';
import type { BundleSource } from '../../src/constructs/bundle';

/**
 * The tests deploy tiny stand-in bundles (test/fixtures/functions/<name>/dist/index.mjs)
 * instead of running esbuild: synth only zips and hashes the folder, so this keeps each
 * test file to about a second while exercising the real asset path.
 */
export const FIXTURE_BUNDLES: BundleSource = { functionsRoot: path.resolve(import.meta.dirname, '../fixtures/functions') };
