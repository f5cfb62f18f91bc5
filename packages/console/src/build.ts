import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { DICTIONARY_VERSIONS, dictionaryNames } from '@hcdl/hl7v2';
import { contentSecurityPolicy } from './csp';

/** One file of the console: its path under the console's root (`index.html`, `dictionary/2.5.json`) and bytes. */
export interface ConsoleFile {
  path: string;
  contentType: string;
  body: Uint8Array;
}

export interface ConsoleBuildOptions {
  /** The API's origin when it is not the console's own (the console on S3, the API on API Gateway). */
  apiBase?: string;
  /** Minify the bundle (default true). */
  minify?: boolean;
}

const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0a58ca"/></svg>';
/**
 * The console's sources: beside this module, or, when this module is bundled into the hcdl bin
 * (packages/local/dist/cli), through the workspace link of @hcdl/console.
 */
function webDir(): string {
  const beside = path.resolve(import.meta.dirname, '../web');
  if (existsSync(path.join(beside, 'main.ts'))) return beside;
  return path.join(path.dirname(createRequire(import.meta.url).resolve('@hcdl/console/package.json')), 'web');
}
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Builds the console: one esbuild bundle of web/main.ts (no dependency of ours or anyone's at
 * run time), its stylesheet, index.html with the Content-Security-Policy as a meta tag (for
 * static hosting, where no header can be set), config.json naming the API, and the list of
 * dictionary versions the hover names come in (dictionaryFile makes each one). In memory: the
 * local lake serves it from there; tools/build.ts writes it, every version's names included,
 * to a folder for S3.
 */
export async function buildConsole(options: ConsoleBuildOptions = {}): Promise<ConsoleFile[]> {
  const WEB = webDir();
  const bundle = await build({
    entryPoints: [path.join(WEB, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const js = bundle.outputFiles[0];
  if (js === undefined) throw new Error('esbuild produced no bundle');
  const css = await readFile(path.join(WEB, 'console.css'), 'utf8');
  const html = (await readFile(path.join(WEB, 'index.html'), 'utf8')).replace('%CSP%', contentSecurityPolicy(options.apiBase, 'meta'));
  const files: ConsoleFile[] = [
    { path: 'index.html', contentType: 'text/html; charset=utf-8', body: utf8(html) },
    { path: 'console.js', contentType: 'text/javascript; charset=utf-8', body: js.contents },
    { path: 'console.css', contentType: 'text/css; charset=utf-8', body: utf8(css) },
    { path: 'favicon.svg', contentType: 'image/svg+xml', body: utf8(FAVICON) },
    { path: 'config.json', contentType: 'application/json', body: utf8(JSON.stringify({ apiBase: options.apiBase ?? '' })) },
    { path: 'dictionary/index.json', contentType: 'application/json', body: utf8(JSON.stringify(DICTIONARY_VERSIONS)) },
  ];
  return files;
}

/** `dictionary/<version>.json`: one version's names (undefined for a version the dictionary does not hold). */
export function dictionaryFile(version: string): ConsoleFile | undefined {
  const names = dictionaryNames(version);
  return names === undefined ? undefined : { path: `dictionary/${version}.json`, contentType: 'application/json', body: utf8(JSON.stringify(names)) };
}

/** The console with the names of every dictionary version, for static hosting. */
export async function buildStaticConsole(options: ConsoleBuildOptions = {}): Promise<ConsoleFile[]> {
  const files = await buildConsole(options);
  for (const v of DICTIONARY_VERSIONS) files.push(dictionaryFile(v) as ConsoleFile);
  return files;
}
