/**
 * The compiled `hcdl` (the package's bin, what `pnpm start` and `pnpm hcdl` run): built by
 * scripts/hcdl.mjs when missing or stale, run by plain node. Its version, a help that starts
 * nothing, a port in use said in one line with exit 1 (no stack), and the web console served
 * by the bin's lake (its sources are found outside the bundle).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from '../query/support';

const LAUNCHER = path.join(REPO, 'scripts/hcdl.mjs');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'packages/local/package.json'), 'utf8')) as { version: string; bin: { hcdl: string } };
const BIN = path.join(REPO, 'packages/local', pkg.bin.hcdl);

function hcdl(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [file, ...args], {
    cwd: REPO,
    env: { ...process.env, NODE_OPTIONS: '', HCDL_LOG_LEVEL: 'SILENT', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the compiled hcdl', () => {
  let dataDir: string;
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-bin-'));
    busy = createServer();
    busyPort = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('pnpm hcdl --version builds the bin when it is missing or stale, then prints the version', async () => {
    const r = await hcdl(LAUNCHER, ['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(existsSync(BIN)).toBe(true);
    // The bin is plain JavaScript for node: no TypeScript loader at run time.
    expect(readFileSync(BIN, 'utf8')).not.toMatch(/\btsx\b/);
    expect(await hcdl(BIN, ['-V'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  }, 300_000);

  it('serve --help exits 0 at once and creates no data folder', async () => {
    const folder = path.join(dataDir, 'never');
    const r = await hcdl(BIN, ['serve', '--help'], { HCDL_DATA_DIR: folder, HCDL_PORT: String(busyPort) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: hcdl serve \[options\]/);
    expect(existsSync(folder)).toBe(false);
  }, 120_000);

  it('serve on a port in use: one line naming the port, exit 1, no stack', async () => {
    const r = await hcdl(BIN, ['serve', '--port', String(busyPort), '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`hcdl serve: HTTP port ${busyPort} on 127.0.0.1 is in use (another lake?); choose another with --port or HCDL_PORT\n`);
    expect(r.stdout).toBe('');
  }, 120_000);

  it('serve: the lake of the bin serves the web console (bundled at run time from its sources)', async () => {
    const folder = path.join(dataDir, 'console');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', folder], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '', HCDL_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          const m = /web console: (\S+)/.exec(stderr);
          if (m !== null) resolve(m[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('console.js');
      const js = await fetch(new URL('console.js', url));
      expect(js.status).toBe(200);
      expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 300_000);
});
