/**
 * Builds a function's Lambda bundle with the project's own bundler (scripts/bundle.mjs) into
 * a fresh folder under packages/aws/dist/, and imports it. From there the bundle's external
 * `@aws-sdk/*` imports resolve to packages/aws's SDK clients, the very modules the harness
 * mocks (as on Lambda, where the runtime provides every client).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

interface BundleScript {
  MAX_BUNDLE_BYTES: number;
  bundleFunction(dir: string, outDir?: string): Promise<{ name: string; bytes: number; outfile: string }>;
}

export interface BuiltBundle {
  outfile: string;
  bytes: number;
  /** The size budget scripts/bundle.mjs enforces. */
  maxBytes: number;
  /** Imports the built dist/index.mjs (once per bundle: ESM modules are cached by URL). */
  load<T>(): Promise<T>;
  remove(): void;
}

export function functionDir(name: string): string {
  return path.join(root, 'functions', name);
}

export async function buildFunctionBundle(name: string): Promise<BuiltBundle> {
  const script = (await import(pathToFileURL(path.join(root, 'scripts', 'bundle.mjs')).href)) as BundleScript;
  const dir = functionDir(name);
  const base = path.join(root, 'packages', 'aws', 'dist');
  mkdirSync(base, { recursive: true });
  const outDir = mkdtempSync(path.join(base, `test-${name}-`));
  const { outfile, bytes } = await script.bundleFunction(dir, outDir);
  return {
    outfile,
    bytes,
    maxBytes: script.MAX_BUNDLE_BYTES,
    load: async <T>() => (await import(pathToFileURL(outfile).href)) as T,
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
