#!/usr/bin/env node
// Assembles the build context of the MLLP container image (services/mllp/Dockerfile): the
// service bundled by esbuild into one ESM file with everything it imports (the AWS SDK
// included: the image has no node_modules), its source map, a package.json and the Dockerfile.
//
//   node scripts/mllp-image.mjs [--out <dir>]     default services/mllp/dist/image
//
// Then, where Docker is available:
//   docker buildx build --platform linux/arm64 -t <registry>/hcdl-mllp:<tag> <dir>
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packGeneratedStrings, sideEffectFree } from './bundle-plugins.mjs';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const service = path.join(root, 'services', 'mllp');
const cacheDir = path.join(root, 'node_modules', '.cache', 'hcdl-bundle');

// Bundled CommonJS (the AWS SDK's dependencies) may call require(): give the ESM bundle one.
const REQUIRE_BANNER = "import { createRequire as __hcdlCreateRequire } from 'node:module'; const require = __hcdlCreateRequire(import.meta.url);";

async function loadEsbuild() {
  const resolved = createRequire(path.join(service, 'package.json')).resolve('esbuild');
  const mod = await import(pathToFileURL(resolved).href);
  return mod.build ? mod : mod.default;
}

/** Writes the image's build context into `outDir` (emptied first); returns its files and the bundle's size. */
export async function assembleMllpContext(outDir = path.join(service, 'dist', 'image')) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const esbuild = await loadEsbuild();
  await esbuild.build({
    entryPoints: [path.join(service, 'src', 'server.ts')],
    outfile: path.join(outDir, 'server.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    conditions: ['module', 'import'],
    banner: { js: REQUIRE_BANNER },
    plugins: [sideEffectFree(root), packGeneratedStrings(cacheDir, root)],
    logLevel: 'warning',
  });
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ name: 'hcdl-mllp', private: true, type: 'module' }, null, 2)}\n`);
  copyFileSync(path.join(service, 'Dockerfile'), path.join(outDir, 'Dockerfile'));
  return { outDir, bytes: statSync(path.join(outDir, 'server.mjs')).size, files: ['Dockerfile', 'package.json', 'server.mjs', 'server.mjs.map'] };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--out');
  assembleMllpContext(i >= 0 && args[i + 1] !== undefined ? path.resolve(args[i + 1]) : undefined).then(
    ({ outDir, bytes }) => {
      console.log(`mllp image context: ${path.relative(process.cwd(), outDir) || '.'} (server.mjs ${(bytes / 1024).toFixed(1)} KB)`);
      console.log(`build: docker buildx build --platform linux/arm64 -t <registry>/hcdl-mllp:<tag> ${path.relative(process.cwd(), outDir) || '.'}`);
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
