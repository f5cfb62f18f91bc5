/**
 * `pnpm --filter @hcdl/bench bench:console`: how long the web console takes to load locally,
 * in Debian's headless Chromium, against the target (first load under 1 s). A lake on
 * a temp folder is started as `hcdl serve` starts it (console built ahead of the first visit),
 * with a few corpus messages; each run is a fresh browser context (nothing cached):
 * - first load: navigation to the sign-in page, until its heading and field are shown;
 * - signed-in load: navigation with the token in the tab's session, until the message list
 *   shows its rows (the page, the bundle and the first API page).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { openLocalLake, readConfig, startServer } from '@hcdl/local';

// page.evaluate runs this in the page; this program has no DOM types.
declare const sessionStorage: { setItem(k: string, v: string): void };

const RUNS = 7;
const TARGET_MS = 1000;
const REPO = path.resolve(import.meta.dirname, '../..');
const FILES = ['FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7', 'hcls-data-lake/messages/lab01.txt', 'hcls-data-lake/messages/adt01.txt'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const executablePath = process.env.HCDL_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
const dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-bench-console-'));
const lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT' }));
const server = await startServer(lake);
const token = await (lake.devIssuer as NonNullable<typeof lake.devIssuer>).sign({ sub: 'bench', read: '*', write: '*' });
for (const f of FILES) {
  await fetch(`${server.url}/hl7v2/er7?source=bench`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/hl7-v2' },
    body: readFileSync(path.join(REPO, 'test/fixtures/corpus', f)),
  });
}
await lake.idle();
await fetch(`${server.url}/console/`); // as `hcdl serve` does at start
const bundle = (await (await fetch(`${server.url}/console/console.js`)).arrayBuffer()).byteLength;
/** The lake's own part: the page's three files over loopback, as a browser asks for them (gzip). */
const served: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  for (const f of ['', 'console.js', 'console.css'])
    await (await fetch(`${server.url}/console/${f}`, { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer();
  served.push(performance.now() - t);
}
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const first: number[] = [];
const signedIn: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let t = performance.now();
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('Access token').waitFor();
    first.push(performance.now() - t);
    await page.evaluate((tk) => sessionStorage.setItem('hcdl.console.token', tk), token);
    t = performance.now();
    await page.goto(`${server.url}/console/#/messages`);
    await page.reload();
    await page.locator('#messages tbody tr').first().waitFor();
    signedIn.push(performance.now() - t);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
  await lake.idle();
  await lake.close();
  await rm(dataDir, { recursive: true, force: true });
}
console.log(`console load, ${RUNS} runs each (median / max), target < ${TARGET_MS} ms`);
console.log(`  first load (sign-in page shown):     ${median(first).toFixed(0)} ms / ${Math.max(...first).toFixed(0)} ms   target ${TARGET_MS} ms`);
console.log(`  signed-in load (message list shown): ${median(signedIn).toFixed(0)} ms / ${Math.max(...signedIn).toFixed(0)} ms   target ${TARGET_MS} ms`);
console.log(`  the lake serving page + bundle + css:  ${median(served).toFixed(1)} ms / ${Math.max(...served).toFixed(1)} ms`);
console.log(`  bundle: ${bundle} bytes (served gzip to browsers)`);
