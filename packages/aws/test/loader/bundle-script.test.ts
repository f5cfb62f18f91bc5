/**
 * scripts/bundle.mjs on generated function folders: the bundle's format and settings, and
 * the 250 KB budget enforced by the command line (non-zero exit, the function named).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const script = path.join(root, 'scripts', 'bundle.mjs');

interface BundleScript {
  MAX_BUNDLE_BYTES: number;
  bundleFunction(dir: string, outDir?: string): Promise<{ name: string; bytes: number; outfile: string }>;
}

/** A function folder with src/handler.ts (and a helper module, to show bundling). */
function writeFunction(base: string, name: string, handler: string): string {
  const dir = path.join(base, name);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, type: 'module' }));
  writeFileSync(path.join(dir, 'src', 'greeting.ts'), 'export const greeting = (who: string): string => `hello ${who}`;\n');
  writeFileSync(path.join(dir, 'src', 'handler.ts'), handler);
  return dir;
}

/** A TS single-quoted string literal of `text`, as the dictionary generator writes them. */
function singleQuoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

describe('scripts/bundle.mjs', () => {
  let base: string;
  let small: string;
  let big: string;
  let lib: BundleScript;

  beforeAll(async () => {
    mkdirSync(path.join(root, 'packages', 'aws', 'dist'), { recursive: true });
    base = mkdtempSync(path.join(root, 'packages', 'aws', 'dist', 'bundle-script-'));
    small = writeFunction(
      base,
      'small-fn',
      [
        "import { S3Client } from '@aws-sdk/client-s3';",
        "import { greeting } from './greeting';",
        'export const handler = async (event: { who: string }) => ({ text: greeting(event.who), client: typeof S3Client });',
        '',
      ].join('\n'),
    );
    // Random text does not minify: ~300 KB of it is over the budget.
    const blob = randomBytes(225 * 1024).toString('base64');
    big = writeFunction(base, 'big-fn', `export const handler = async () => ({ blob: ${JSON.stringify(blob)} });\n`);
    lib = (await import(pathToFileURL(script).href)) as BundleScript;
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('builds src/handler.ts to dist/index.mjs: ESM, minified, with a source map, the AWS SDK external', async () => {
    const out = await lib.bundleFunction(small);
    expect(out).toEqual({ name: 'small-fn', bytes: expect.any(Number), outfile: path.join(small, 'dist', 'index.mjs') });
    const code = readFileSync(out.outfile, 'utf8');
    expect(out.bytes).toBe(Buffer.byteLength(code));
    expect(code).toMatch(/import\{S3Client as \w+\}from"@aws-sdk\/client-s3"/);
    expect(code).toContain('hello ');
    expect(code).toMatch(/export\{\w+ as handler\}/);
    expect(code).not.toMatch(/\n\s+/); // minified: no indented lines
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    const map = JSON.parse(readFileSync(`${out.outfile}.map`, 'utf8')) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith('src/greeting.ts'))).toBe(true);
  });

  it('writes into another folder when asked, and the bundle runs', async () => {
    const outDir = path.join(base, 'elsewhere');
    const out = await lib.bundleFunction(small, outDir);
    expect(out.outfile).toBe(path.join(outDir, 'index.mjs'));
    // Run it with plain Node from packages/aws, where @aws-sdk/client-s3 resolves.
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(out.outfile).href)}); console.log(JSON.stringify(await m.handler({ who: 'lake' })));`,
      ],
      { cwd: path.join(root, 'packages', 'aws'), encoding: 'utf8' },
    );
    expect(
      run.stderr
        .replace(/^.*(NodeVersionSupportWarning|a\.co|node >=22|upgrade to node|security updates|trace-warnings|versions published|will require).*$/gm, '')
        .trim(),
    ).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ text: 'hello lake', client: 'function' });
  });

  it('the command line prints each size and exits non-zero when a bundle is over 250 KB', () => {
    expect(lib.MAX_BUNDLE_BYTES).toBe(250 * 1024);
    const run = spawnSync(process.execPath, [script, small, big], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/small-fn\s+dist\/index\.mjs\s+[\d.]+ KB\n/);
    expect(run.stdout).toMatch(/big-fn\s+dist\/index\.mjs\s+[\d.]+ KB\s+OVER the 250\.0 KB budget/);
    expect(run.stderr).toContain('1 bundle(s) over 250.0 KB');
    expect(existsSync(path.join(big, 'dist', 'index.mjs'))).toBe(true);
  });

  it('the command line builds the current folder and exits 0 when within budget', () => {
    const run = spawnSync(process.execPath, [script], { cwd: small, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^small-fn\s+dist\/index\.mjs/);
  });

  it('packs generated string-constant modules (Brotli) and the bundle still sees the same strings', async () => {
    const dir = writeFunction(
      base,
      'packed-fn',
      [
        "import { WORDS, OTHER } from './generated/words';",
        "import { TABLE } from './generated/table';",
        'export const handler = async () => ({ words: WORDS, other: OTHER, table: TABLE });',
        '',
      ].join('\n'),
    );
    mkdirSync(path.join(dir, 'src', 'generated'));
    const words = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `element_name_${i}`, quote: "it's \\ here" })));
    const other = "second constant with a \u00e9 and a ' quote";
    writeFileSync(
      path.join(dir, 'src', 'generated', 'words.ts'),
      `// GENERATED\n// data\n\nexport const WORDS = ${singleQuoted(words)};\nexport const OTHER = ${singleQuoted(other)};\n`,
    );
    // Not only string constants: left as it is.
    writeFileSync(path.join(dir, 'src', 'generated', 'table.ts'), 'export const TABLE = { element_name_table: 1 };\n');
    const out = await lib.bundleFunction(dir);
    const code = readFileSync(out.outfile, 'utf8');
    expect(code).not.toContain('element_name_1');
    expect(code).toContain('element_name_table');
    expect(out.bytes).toBeLessThan(words.length / 4);
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(out.outfile).href)}); process.stdout.write(JSON.stringify(await m.handler()));`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(run.stdout)).toEqual({ words, other, table: { element_name_table: 1 } });
  });

  it('gives a CommonJS dependency a require() (createRequire banner) only when one is bundled', async () => {
    const dir = writeFunction(base, 'cjs-fn', "import legacy from './legacy.cjs';\nexport const handler = async () => legacy.join('a', 'b');\n");
    writeFileSync(path.join(dir, 'src', 'legacy.cjs'), "const p = require('node:path');\nmodule.exports = { join: (a, b) => p.join(a, b) };\n");
    const out = await lib.bundleFunction(dir);
    const code = readFileSync(out.outfile, 'utf8');
    expect(code.startsWith("import { createRequire as __hcdlCreateRequire } from 'node:module'")).toBe(true);
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(out.outfile).href)}); process.stdout.write(await m.handler());`],
      { encoding: 'utf8' },
    );
    expect(run.stdout).toBe(path.join('a', 'b'));
    // The ESM-only function of the first test has no banner.
    expect(readFileSync(path.join(small, 'dist', 'index.mjs'), 'utf8')).not.toContain('createRequire');
  });

  it('fails with a clear message for a folder without src/handler.ts', () => {
    const run = spawnSync(process.execPath, [script, base], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no src/handler.ts');
  });
});
