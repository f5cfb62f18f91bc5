// esbuild plugins of scripts/bundle.mjs, both about keeping Lambda bundles under budget.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { brotliCompressSync, constants } from 'node:zlib';

/**
 * Marks our workspace sources (packages/* and functions/* src) and Powertools' idempotency
 * modules as free of import-time side effects, which they are (nothing runs at import: a
 * house rule), so esbuild leaves out every module whose exports a function does not use:
 * e.g. the Athena helpers re-exported by @hcdl/aws, or the idempotency layer and its
 * JMESPath engine in every bundle but the front door's.
 */
export function sideEffectFree(root) {
  const ours = new RegExp(`^${escape(root)}/(packages|functions)/[^/]+/src/`);
  const theirs = /\/node_modules\/@aws-lambda-powertools\/(idempotency|jmespath)\//;
  const SKIP = Symbol('sideEffectFree');
  return {
    name: 'hcdl-side-effect-free',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === SKIP || args.kind === 'entry-point') return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: SKIP });
        if (r.errors.length > 0) return { errors: r.errors };
        const free = !r.external && (ours.test(r.path) || theirs.test(r.path));
        return { path: r.path, external: r.external, namespace: r.namespace, suffix: r.suffix, sideEffects: free ? false : r.sideEffects };
      });
    },
  };
}

/** `export const NAME = '<string literal>';` lines, and nothing else but comments. */
const STRING_EXPORT = /^export const ([A-Za-z_$][\w$]*) = ('(?:[^'\\\n]|\\.)*');$/;

/** The string constants of a generated module, or undefined when it has anything else. */
function stringExports(file) {
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('//')) continue;
    const m = STRING_EXPORT.exec(t);
    if (m === null) return undefined;
    out[m[1]] = runInNewContext(m[2]); // a single string literal (checked above)
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Generated data modules (`.../generated/*.ts` holding only string constants, such as the
 * HL7 v2 dictionary's JSON text, ~700 KB) are packed into one Brotli blob per folder
 * (~90 KB, base64 in the bundle) and unpacked when the bundle is loaded (a few ms on a
 * cold start). The modules keep their exports: the code using them does not change.
 * Packed blobs are cached in `cacheDir` by content hash (Brotli at quality 11 takes ~2 s).
 * The blob's module is named by its folder relative to `root`, never by an absolute path:
 * the name lands in the source map, and a bundle must not depend on where the repository
 * was checked out (the same sources give the same zip, hence the same Lambda code hash).
 */
export function packGeneratedStrings(cacheDir, root) {
  return {
    name: 'hcdl-pack-generated-strings',
    setup(build) {
      build.onLoad({ filter: /[\\/]generated[\\/][^\\/]+\.ts$/ }, (args) => {
        const exports = stringExports(args.path);
        if (exports === undefined) return undefined;
        const blob = JSON.stringify(`hcdl-packed:${path.relative(root, path.dirname(args.path)).split(path.sep).join('/')}`);
        const file = JSON.stringify(path.basename(args.path));
        const lines = [`import { unpacked } from ${blob};`];
        for (const name of Object.keys(exports)) lines.push(`export const ${name} = unpacked(${file}, ${JSON.stringify(name)});`);
        return { contents: lines.join('\n'), loader: 'js', resolveDir: path.dirname(args.path) };
      });
      build.onResolve({ filter: /^hcdl-packed:/ }, (args) => ({ path: args.path.slice('hcdl-packed:'.length), namespace: 'hcdl-packed' }));
      build.onLoad({ filter: /.*/, namespace: 'hcdl-packed' }, (args) => {
        const dir = path.resolve(root, args.path);
        const data = {};
        for (const name of readdirSync(dir)
          .filter((f) => f.endsWith('.ts'))
          .sort()) {
          const exports = stringExports(path.join(dir, name));
          if (exports !== undefined) data[name] = exports;
        }
        const base64 = packed(JSON.stringify(data), cacheDir);
        return {
          contents: [
            "import { brotliDecompressSync } from 'node:zlib';",
            'let data;',
            'export function unpacked(file, name) {',
            `  data ??= JSON.parse(brotliDecompressSync(Buffer.from(${JSON.stringify(base64)}, 'base64')).toString('utf8'));`,
            '  return data[file][name];',
            '}',
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  };
}

function packed(text, cacheDir) {
  const cached = path.join(cacheDir, `${createHash('sha256').update(text).digest('hex')}.br64`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const bytes = Buffer.from(text, 'utf8');
  const out = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).toString('base64');
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, out);
  return out;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
