import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { bundleDir } from '../src/constructs/bundle';
import { ensureBundles, missingBundles } from '../src/ensure-bundles';
import { InfraError, MissingBundleError } from '../src/errors';
import { BUNDLE_NAMES, LAMBDAS } from '../src/handlers';
import { FIXTURE_BUNDLES } from './support/fixtures';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway repository root whose scripts/bundle.mjs runs `script`. */
function fakeRepo(script: string): { root: string; functionsRoot: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hcdl-bundles-'));
  temps.push(root);
  mkdirSync(path.join(root, 'scripts'));
  mkdirSync(path.join(root, 'functions'));
  writeFileSync(path.join(root, 'scripts', 'bundle.mjs'), script);
  return { root, functionsRoot: path.join(root, 'functions') };
}

const WRITE_BUNDLES = `
import { mkdirSync, writeFileSync } from 'node:fs';
if (process.argv[2] !== '--all') process.exit(2);
for (const name of ['a', 'b']) {
  mkdirSync('functions/' + name + '/dist', { recursive: true });
  writeFileSync('functions/' + name + '/dist/index.mjs', 'export const handler = 1;');
}
`;

describe('bundles', () => {
  it('every bundle the stacks deploy has a source handler exporting the handler the Lambda names', () => {
    for (const [lambda, { bundle, handler }] of Object.entries(LAMBDAS)) {
      const source = readFileSync(path.join(repoRoot, 'functions', bundle, 'src', 'handler.ts'), 'utf8');
      const exported = handler.replace(/^index\./, '');
      expect([lambda, new RegExp(`export (const|async function|function) ${exported}\\b`).test(source)]).toEqual([lambda, true]);
    }
    expect(BUNDLE_NAMES).toEqual(['core-writer', 'front-door', 'landing', 'query-api', 'refined', 'staging-er7', 'sweeper']);
  });

  it('the stand-in bundles the synth tests deploy are exactly the deployed bundles, each exporting the handlers its Lambdas name', () => {
    expect(readdirSync(FIXTURE_BUNDLES.functionsRoot).sort()).toEqual(BUNDLE_NAMES);
    for (const bundle of BUNDLE_NAMES) {
      const source = readFileSync(path.join(bundleDir(FIXTURE_BUNDLES, bundle), 'index.mjs'), 'utf8');
      const exported = [...source.matchAll(/export const (\w+)/g)].map((m) => m[1]).sort();
      const named = Object.values(LAMBDAS)
        .filter((l) => l.bundle === bundle)
        .map((l) => l.handler.replace(/^index\./, ''))
        .sort();
      expect([bundle, exported]).toEqual([bundle, named]);
    }
  });

  it('resolves a bundle folder or names the missing one', () => {
    expect(bundleDir(FIXTURE_BUNDLES, 'core-writer')).toBe(path.join(FIXTURE_BUNDLES.functionsRoot, 'core-writer', 'dist'));
    expect(() => bundleDir(FIXTURE_BUNDLES, 'nope')).toThrow(MissingBundleError);
    expect(missingBundles(FIXTURE_BUNDLES, ['core-writer', 'nope', 'staging-er7'])).toEqual(['nope']);
  });

  it('builds the bundles with scripts/bundle.mjs --all when one is missing', () => {
    const repo = fakeRepo(WRITE_BUNDLES);
    ensureBundles({ functionsRoot: repo.functionsRoot }, ['a', 'b'], repo.root);
    expect(missingBundles({ functionsRoot: repo.functionsRoot }, ['a', 'b'])).toEqual([]);
  });

  it('does not build when every bundle is there', () => {
    const repo = fakeRepo('process.exit(1);');
    expect(() => ensureBundles(FIXTURE_BUNDLES, ['core-writer'], repo.root)).not.toThrow();
  });

  it('fails with a typed error when the build fails or leaves a bundle missing', () => {
    const failing = fakeRepo('process.exit(3);');
    expect(() => ensureBundles({ functionsRoot: failing.functionsRoot }, ['a'], failing.root)).toThrow(/exit 3/);
    const partial = fakeRepo(WRITE_BUNDLES);
    expect(() => ensureBundles({ functionsRoot: partial.functionsRoot }, ['a', 'c'], partial.root)).toThrow(InfraError);
  });
});
