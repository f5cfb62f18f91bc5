/**
 * Headless Chromium for the console tests: Debian's package (`apt-get install -y chromium`,
 * which scripts/bootstrap.sh does), driven by playwright-core (its own browser downloads
 * cannot reach the network). Under CI=true a missing browser fails the tests with what to do;
 * elsewhere the browser tests are skipped with that message printed.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { REPO } from './harness';

/** Where the browser is looked for: HCDL_CHROMIUM, else Debian's paths. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.HCDL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => p !== undefined && p !== '');
  return candidates.find((p) => existsSync(p));
}

export const MISSING_CHROMIUM =
  'Chromium is not installed: the console tests need it. Run `apt-get update && apt-get install -y chromium` (scripts/bootstrap.sh does it) or set HCDL_CHROMIUM to a Chromium binary.';

/** Whether the browser tests run here; throws under CI when the browser is missing (never a silent skip there). */
export function browserTestsRun(): boolean {
  if (chromiumPath() !== undefined) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(MISSING_CHROMIUM);
  console.warn(`console tests skipped: ${MISSING_CHROMIUM}`);
  return false;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error(MISSING_CHROMIUM);
  // --no-sandbox: CI machines and containers run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The screenshots folder (gitignored): test-artifacts/console/. */
export const ARTIFACTS = path.join(REPO, 'test-artifacts/console');

export async function artifactsDir(): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
