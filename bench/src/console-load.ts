/**
 * `pnpm --filter @hcdl/bench bench:console`: how long the web console takes to load locally,
 * in Debian's headless Chromium, against the issue's target (first load under 1 s), and whose
 * CPU it costs. The lake runs as `hcdl serve` in a child process (console built ahead of the
 * first visit), with a few corpus messages, so its CPU time is its own (/proc); Chromium's
 * processes are the other children of this one. Each run is a fresh browser context (nothing
 * cached):
 * - first load: navigation to the sign-in page, until its heading and field are shown;
 * - signed-in load: navigation with the token in the tab's session, until the message list
 *   shows its rows (the page, the bundle and the first API page).
 * Per load it prints the wall time, and the CPU time of the lake, of Chromium and of this
 * driver (playwright's client), with the load average and the cores: on a busy machine the
 * wall time is mostly waiting for a core, the CPU times are what the load costs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { openDevIssuer, readConfig } from '@hcdl/local';
import { cpuBetween, treeCpu } from './proc-cpu';

// page.evaluate runs this in the page; this program has no DOM types.
declare const sessionStorage: { setItem(k: string, v: string): void };

const RUNS = 7;
const TARGET_MS = 1000;
const REPO = path.resolve(import.meta.dirname, '../..');
const FILES = ['FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7', 'hcls-data-lake/messages/lab01.txt', 'hcls-data-lake/messages/adt01.txt'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const loadavg = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

/** `hcdl serve` on a temp folder in a child process; resolves with its URL once it listens. */
async function spawnLake(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'packages/local/src/cli/main.ts'), 'serve'], {
    cwd: REPO,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m !== null) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`the lake exited with ${code}: ${err}`)));
  });
  return { child, url };
}

/** One measured step: wall ms, and CPU ms of the lake, of Chromium and of this driver. */
interface Cost {
  wallMs: number;
  lakeMs: number;
  browserMs: number;
  driverMs: number;
}

const executablePath = process.env.HCDL_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
const dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-bench-console-'));
const env = { HCDL_PORT: '0', HCDL_HOST: '127.0.0.1', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PUBLIC_URL: 'http://localhost:8080' };
const loadBefore = loadavg();
const { child, url } = await spawnLake(env);
const lakePid = child.pid as number;
const config = readConfig(env);
const issuer = await openDevIssuer(dataDir, config.oidc.issuer, config.oidc.audience);
const token = await issuer.sign({ sub: 'bench', read: '*', write: '*' });

/** Chromium's processes: this process's children but the lake's tree (this process's own CPU is the driver's). */
const browserTree = { skip: new Set([lakePid]), withoutRoot: true };

/** Resolves once the lake has used under 10 ms of CPU in 250 ms: staging and the refined stage of the seed messages are done. */
async function lakeQuiet(): Promise<void> {
  for (;;) {
    const before = treeCpu(lakePid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (cpuBetween(before, treeCpu(lakePid)) < 10) return;
  }
}

/** Measures `step` (wall and CPU split three ways); the snapshots are taken outside the wall time. */
async function measure(step: () => Promise<void>): Promise<Cost> {
  const lake0 = treeCpu(lakePid);
  const browser0 = treeCpu(process.pid, browserTree);
  const driver0 = process.cpuUsage();
  const t = performance.now();
  await step();
  const wallMs = performance.now() - t;
  const driver = process.cpuUsage(driver0);
  return {
    wallMs,
    driverMs: (driver.user + driver.system) / 1000,
    lakeMs: cpuBetween(lake0, treeCpu(lakePid)),
    browserMs: cpuBetween(browser0, treeCpu(process.pid, browserTree)),
  };
}

const first: Cost[] = [];
const signedIn: Cost[] = [];
const served: Cost[] = [];
let bundle = 0;
try {
  for (const f of FILES) {
    await fetch(`${url}/hl7v2/er7?source=bench`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/hl7-v2' },
      body: readFileSync(path.join(REPO, 'test/fixtures/corpus', f)),
    });
  }
  await fetch(`${url}/console/`); // as `hcdl serve` does at start
  await lakeQuiet();
  bundle = (await (await fetch(`${url}/console/console.js`)).arrayBuffer()).byteLength;
  // The lake's own part alone: the page's three files over loopback, as a browser asks for them (gzip).
  for (let i = 0; i < RUNS; i++) {
    served.push(
      await measure(async () => {
        for (const f of ['', 'console.js', 'console.css']) await (await fetch(`${url}/console/${f}`, { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer();
      }),
    );
  }
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page: Page = await context.newPage();
      first.push(
        await measure(async () => {
          await page.goto(`${url}/console/`);
          await page.getByLabel('Access token').waitFor();
        }),
      );
      await page.evaluate((tk) => sessionStorage.setItem('hcdl.console.token', tk), token);
      await page.goto(`${url}/console/#/messages`);
      signedIn.push(
        await measure(async () => {
          await page.reload();
          await page.locator('#messages tbody tr').first().waitFor();
        }),
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
}

const ms = (xs: number[]): string =>
  `${median(xs).toFixed(0).padStart(5)} ms / ${Math.max(...xs)
    .toFixed(0)
    .padStart(5)} ms`;
const row = (name: string, costs: Cost[]): void => {
  const wall = costs.map((c) => c.wallMs);
  console.log(`  ${name}`);
  console.log(`    wall:                ${ms(wall)}${name.startsWith('the lake') ? '' : `   target ${TARGET_MS} ms`}`);
  console.log(`    CPU, the lake:       ${ms(costs.map((c) => c.lakeMs))}`);
  if (!name.startsWith('the lake')) console.log(`    CPU, Chromium:       ${ms(costs.map((c) => c.browserMs))}`);
  console.log(`    CPU, bench driver:   ${ms(costs.map((c) => c.driverMs))}`);
  const cpu = median(costs.map((c) => c.lakeMs + c.browserMs + c.driverMs));
  // Wall time beyond the CPU all processes used is time spent waiting (for a core, the disk, timers).
  console.log(`    all CPU / wall:      ${cpu.toFixed(0)} ms of ${median(wall).toFixed(0)} ms`);
};
console.log(`console load, ${RUNS} runs each (median / max); ${os.cpus().length} CPUs; load average (1/5/15 min) ${loadBefore} before, ${loadavg()} after`);
row('first load (sign-in page shown)', first);
row('signed-in load (message list shown)', signedIn);
row('the lake serving page + bundle + css (no browser)', served);
console.log(`  bundle: ${bundle} bytes (served gzip to browsers); CPU times from /proc (10 ms ticks)`);
