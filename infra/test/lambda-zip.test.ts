import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { App, TerraformStack } from 'cdktf';
import { unzipSync } from 'fflate';
import { bundleAsset, LAMBDA_ZIPS_DIR } from '../src/constructs/bundle';
import { writeLambdaZip, zipDirectory } from '../src/constructs/lambda-zip';
import { InfraError } from '../src/errors';

const repoRoot = path.resolve(import.meta.dirname, '../..');
// Scratch folders live under infra/cdktf.out (ignored by git), all at the same depth, so a
// bundle's source map (paths relative to its own folder) is the same wherever it is built.
const scratchRoot = path.join(repoRoot, 'infra', 'cdktf.out');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function scratch(prefix: string): string {
  mkdirSync(scratchRoot, { recursive: true });
  const dir = mkdtempSync(path.join(scratchRoot, prefix));
  temps.push(dir);
  return dir;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Entry names in the order of the ZIP's central directory, with their DOS time and date fields and Unix mode. */
function centralDirectory(zip: Uint8Array): { name: string; time: number; date: number; mode: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (view.getUint32(end, true) !== 0x06054b50) end--;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const out = [];
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    out.push({
      name: Buffer.from(zip.subarray(at + 46, at + 46 + nameLength)).toString('utf8'),
      time: view.getUint16(at + 12, true),
      date: view.getUint16(at + 14, true),
      mode: view.getUint32(at + 38, true) >>> 16,
    });
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

function folderWith(files: Record<string, string>): string {
  const dir = scratch('zip-src-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('deterministic Lambda zips', () => {
  it('depend only on paths and contents: not on file times, creation order or the folder', () => {
    const a = folderWith({ 'index.mjs.map': '{"version":3}', 'index.mjs': 'export const handler = 1;', 'lib/z.mjs': 'z', 'lib/a.mjs': 'a' });
    const b = folderWith({ 'lib/a.mjs': 'a', 'index.mjs': 'export const handler = 1;', 'lib/z.mjs': 'z', 'index.mjs.map': '{"version":3}' });
    utimesSync(path.join(a, 'index.mjs'), new Date('2031-05-06T07:08:09Z'), new Date('2031-05-06T07:08:09Z'));
    utimesSync(path.join(b, 'index.mjs'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
    const zipA = zipDirectory(a);
    expect(sha256(zipDirectory(b))).toBe(sha256(zipA));
    expect(sha256(zipDirectory(a))).toBe(sha256(zipA));
    // sorted entries, the fixed 1980-01-01 00:00 (DOS date 0x0021, time 0), rw-r--r-- files
    expect(centralDirectory(zipA)).toEqual(
      ['index.mjs', 'index.mjs.map', 'lib/a.mjs', 'lib/z.mjs'].map((name) => ({ name, time: 0, date: (0 << 9) | (1 << 5) | 1, mode: 0o100644 })),
    );
    const back = unzipSync(zipA);
    expect(Buffer.from(back['index.mjs'] ?? []).toString()).toBe('export const handler = 1;');
    expect(Object.keys(back).sort()).toEqual(['index.mjs', 'index.mjs.map', 'lib/a.mjs', 'lib/z.mjs']);
  });

  it('change when a byte of the code changes', () => {
    const a = folderWith({ 'index.mjs': 'export const handler = 1;' });
    const b = folderWith({ 'index.mjs': 'export const handler = 2;' });
    expect(sha256(zipDirectory(a))).not.toBe(sha256(zipDirectory(b)));
  });

  it('refuses a top-level file named like a number (its place in the archive would not follow the sort)', () => {
    expect(() => zipDirectory(folderWith({ '10': 'x', 'index.mjs': 'y' }))).toThrow(InfraError);
  });

  it('are written content-addressed with the base64 SHA-256 Lambda compares', () => {
    const dir = folderWith({ 'index.mjs': 'export const handler = 3;' });
    const out = scratch('zip-out-');
    const first = writeLambdaZip(dir, 'fn', out);
    const bytes = readFileSync(first.file);
    expect(first.sourceCodeHash).toBe(createHash('sha256').update(bytes).digest('base64'));
    expect(path.relative(out, first.file)).toBe(`${sha256(bytes)}/fn.zip`);
    expect(writeLambdaZip(dir, 'fn', out)).toEqual(first);
  });
});

interface BundleScript {
  bundleFunction(dir: string, outDir?: string): Promise<{ outfile: string }>;
}

describe('building a function twice', () => {
  it('gives byte-identical bundles, zips and source_code_hash, with no path of this checkout inside', async () => {
    const script = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'bundle.mjs')).href)) as BundleScript;
    // staging-er7: the bundle that carries the packed HL7 dictionary (an esbuild plugin's module)
    const name = 'staging-er7';
    const builds = [scratch('build-a-'), scratch('build-b-')];
    const results = [];
    for (const [i, root] of builds.entries()) {
      const dist = path.join(root, name, 'dist');
      const { outfile } = await script.bundleFunction(path.join(repoRoot, 'functions', name), dist);
      // a later build is a later file time, as on a CI runner
      const when = new Date(Date.UTC(2030 + i, 0, 1));
      utimesSync(outfile, when, when);
      utimesSync(`${outfile}.map`, when, when);
      expect(readFileSync(outfile, 'utf8')).not.toContain(repoRoot);
      const app = new App({ outdir: scratch('synth-'), stackTraces: false });
      const code = bundleAsset(new TerraformStack(app, 'stack'), 'code', { functionsRoot: root }, name);
      const zip = readFileSync(theZip(app.outdir, name));
      results.push({
        bundle: sha256(readFileSync(outfile)),
        map: readFileSync(`${outfile}.map`, 'utf8'),
        zip: sha256(zip),
        sourceCodeHash: code.sourceCodeHash,
        assetPath: code.asset.path,
      });
      expect(code.sourceCodeHash).toBe(createHash('sha256').update(zip).digest('base64'));
    }
    const [a, b] = results;
    expect(b).toEqual(a);
    expect(a?.map).not.toContain(repoRoot);
    expect(a?.map).toContain('hcdl-packed:packages/hl7v2/src/dictionary/generated');
  }, 240_000);
});

/** The one zip written for `name` under the app's zip folder. */
function theZip(outdir: string, name: string): string {
  const hashes = readdirSync(path.join(outdir, LAMBDA_ZIPS_DIR));
  expect(hashes).toHaveLength(1);
  return path.join(outdir, LAMBDA_ZIPS_DIR, hashes[0] as string, `${name}.zip`);
}
