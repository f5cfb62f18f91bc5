/**
 * The web console in a real headless Chromium against a local lake holding corpus messages:
 * sign in, filter, live updates, a message's detail (raw ER7 with dictionary names on hover,
 * diagnostics placed in the raw text, staging JSON, lineage, FHIR panel), the error queue and
 * its replay, a patient with a merge, keyboard use and labels. Every test saves screenshots
 * under test-artifacts/console/.
 *
 * The error to replay is a real failed staging: the lake first stages with an older parser
 * that rejects VXR^V03 (@hcdl/core/testing olderParser); the "parser fix" is then switched on
 * and the console's Replay button stages the message again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { defaultStager, type Stager } from '@hcdl/core';
import { fhirPatientId } from '@hcdl/lake';
import { olderParser } from '@hcdl/core/testing';
import { splitMessages } from '@hcdl/hl7v2';
import { artifactsDir, browserTestsRun, launchChromium } from './support/browser';
import { CORPUS, post, startTestLake, type TestLake } from './support/harness';

const ADT_A01 = 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7';
/** A28 (patient 123456), A31 (456789), then A40 merging 123456 into 456789. */
const ATHENA = 'hcls-data-lake/messages/adt03_AthenaHealth.txt';
/** Its identifiers carry no assigning authority: they are scoped to the source and the sending facility (docs/identity.md). */
const ATHENA_SCOPE = '#athena#99999^MA - athenahealth Testing^1^Test Clinic';
/** VXR^V03: rejected by the older parser. */
const VXR = 'simple-hl7/test/inspects/7.hl7';
const LAB = 'hcls-data-lake/messages/lab01.txt';
// Functions passed to page.evaluate run in the page; these are its globals (this program has no DOM types).
declare const document: any;
declare const sessionStorage: any;
declare const localStorage: any;

const read = (p: string): Buffer => readFileSync(path.join(CORPUS, p));

const describeBrowser = browserTestsRun() ? describe : describe.skip;

describeBrowser('web console in headless Chromium', () => {
  let t: TestLake;
  let browser: Browser;
  let token: string;
  let shots: string;
  let parserFixed = false;
  const ids: Record<string, string> = {};

  const submit = async (source: string, body: Uint8Array | string): Promise<string> => {
    const r = await post(t.url, body, { token, query: `?source=${source}` });
    expect(r.status).toBe(201);
    await t.lake.idle();
    return r.json().messageId as string;
  };

  beforeAll(async () => {
    const older = olderParser('VXR^V03');
    // The "parser fix": once switched on, every message stages with the real parser.
    const stager: Stager = (raw, context) => (parserFixed ? defaultStager(raw, context) : older(raw, context));
    t = await startTestLake({ lake: { stager } });
    token = await t.token({ sub: 'console-tester', write: '*', read: '*' });
    ids.adt = await submit('north', read(ADT_A01));
    const athena = splitMessages(read(ATHENA)).messages.slice(0, 3);
    [ids.a28, ids.a31, ids.a40] = [await submit('athena', athena[0]!.text), await submit('athena', athena[1]!.text), await submit('athena', athena[2]!.text)];
    ids.vxr = await submit('iis', read(VXR));
    ids.lab = await submit('north', read(LAB));
    shots = await artifactsDir();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A new page signed in (the token pasted on the sign-in page), on the message list. */
  async function signedIn(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/console/`);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
    await page.locator('#messages tbody tr').first().waitFor();
    return page;
  }
  const rowIds = (page: Page): Promise<string[]> =>
    page.locator('#messages tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-message-id') ?? ''));
  const filter = async (page: Page, fields: Record<string, string>): Promise<void> => {
    await page.goto(`${t.url}/console/#/messages`);
    await page.locator('#messages tbody tr').first().waitFor();
    for (const [label, value] of Object.entries(fields)) {
      const input = page.getByLabel(label, { exact: true });
      if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
      else await input.fill(value);
    }
    await page.getByRole('button', { name: 'Filter' }).click();
    await page
      .locator('#list-status')
      .filter({ hasText: /message|patient/ })
      .waitFor();
  };

  it('serves the page with a strict CSP, refuses a bad token with its reason, and signs in with a good one', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${t.url}/console`);
    expect(res?.url()).toBe(`${t.url}/console/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Access token').fill(`${token.slice(0, -4)}AAAA`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signin-error').filter({ hasText: 'refused' }).waitFor();
    expect(await page.locator('#signin-error').textContent()).toContain('bad-signature');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.screenshot({ path: path.join(shots, '01-signin-refused.png') });
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
    await page.locator('#messages tbody tr').nth(5).waitFor();
    expect(await rowIds(page)).toEqual([ids.lab, ids.vxr, ids.a40, ids.a31, ids.a28, ids.adt]);
    // The token is kept for this tab only.
    expect(await page.evaluate(() => [localStorage.length, document.cookie, Object.keys(sessionStorage)])).toEqual([0, '', ['hcdl.console.token']]);
    await page.screenshot({ path: path.join(shots, '02-messages.png'), fullPage: true });
    await page.close();
  });

  it('filters by source, type, status, control id, patient identifier and time', async () => {
    const page = await signedIn();
    await filter(page, { Source: 'athena' });
    expect(await rowIds(page)).toEqual([ids.a40, ids.a31, ids.a28]);
    expect(page.url()).toContain('source=athena');
    await filter(page, { Type: 'ADT^A01' });
    expect(await rowIds(page)).toEqual([ids.adt]);
    await filter(page, { Status: 'error' });
    expect(await rowIds(page)).toEqual([ids.vxr]);
    await filter(page, { 'Control id (MSH-10)': 'MSG00001' });
    expect(await rowIds(page)).toEqual([ids.adt]);
    // The survivor of the A40 merge: its own messages and those of the patient merged into it.
    await filter(page, { 'Patient identifier': `##456789${ATHENA_SCOPE}` });
    expect((await rowIds(page)).sort()).toEqual([ids.a28, ids.a31, ids.a40].sort());
    await page.screenshot({ path: path.join(shots, '03-filter-patient.png'), fullPage: true });
    await filter(page, { 'Patient identifier': '##000000' });
    expect(await page.locator('#list-status').textContent()).toContain('No patient has this identifier');
    await filter(page, { 'Received since': '2001-01-01T00:00:00', 'Received before': '2001-01-02T00:00:00' });
    expect(await rowIds(page)).toEqual([]);
    expect(await page.locator('#list-status').textContent()).toBe('0 messages.');
    await page.close();
  });

  it('shows a new message as it arrives (live updates)', async () => {
    const page = await signedIn();
    await filter(page, { Source: 'live' });
    expect(await rowIds(page)).toEqual([]);
    const text = splitMessages(read(ATHENA)).messages[3]!.text;
    const id = await submit('live', text);
    await page.locator(`#messages tbody tr[data-message-id="${id}"]`).waitFor({ timeout: 60_000 });
    await page.locator(`#messages tbody tr[data-message-id="${id}"] .status-staged`).waitFor({ timeout: 60_000 });
    // A later one goes on top: the list is newest first.
    const later = await submit('live', splitMessages(read(ATHENA)).messages[4]!.text);
    await page.locator(`#messages tbody tr[data-message-id="${later}"]`).waitFor({ timeout: 60_000 });
    expect(await rowIds(page)).toEqual([later, id]);
    expect(await page.locator('#announce').textContent()).toMatch(/new message|Live/);
    await page.screenshot({ path: path.join(shots, '04-live-update.png'), fullPage: true });
    await page.close();
  });

  it('opens a message: raw ER7 with dictionary names on hover, diagnostics in the raw text, staging JSON, lineage', async () => {
    const page = await signedIn();
    await page.locator(`#messages a[href="#/messages/${ids.adt}"]`).click();
    await page.getByRole('heading', { name: 'Message ADT^A01 MSG00001' }).waitFor();
    await page.locator('#raw .seg').first().waitFor();
    expect(await page.locator('#raw .segid').allTextContents()).toEqual(
      read(ADT_A01)
        .toString('latin1')
        .split(/\r\n|\r|\n/)
        .filter((l) => l !== '')
        .map((l) => l.slice(0, 3)),
    );
    const pid3 = page.locator('#raw .fld[data-loc="PID-3"]');
    await pid3.hover({ position: { x: 1, y: 1 } });
    expect(await page.locator('#field-info').textContent()).toMatch(/^PID-3(\.1 id number \(ST\)| patient identifier list \(CX\))$/);
    expect(await pid3.getAttribute('title')).toBe('PID-3 patient identifier list (CX)');
    await page.locator('#raw .fld[data-loc="MSH-9"]').hover();
    expect(await page.locator('#field-info').textContent()).toMatch(/^MSH-9(\.\d [a-z ]+ \(\w+\))?( message type \(MSG\))?/);
    await page.screenshot({ path: path.join(shots, '05-detail-hover.png'), fullPage: true });
    // The warnings of staging, each placed where the raw text has it.
    const warnings = await page.locator('ol.diagnostics li').count();
    expect(warnings).toBeGreaterThan(0);
    expect(await page.locator('#raw .diag-warning').count()).toBeGreaterThan(0);
    expect(await page.locator('#staging-json').textContent()).toContain('"message_control_id": "MSG00001"');
    const zones = await page.locator('#lineage-section table').first().locator('tbody tr td:first-child').allTextContents();
    expect(zones).toEqual(['raw', 'staging']);
    await page.close();
  });

  it('shows the FHIR resources of the message when the deployment answers /fhir', async () => {
    const page = await signedIn();
    const record = (await (await fetch(`${t.url}/hl7v2/messages/${ids.adt}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      patientId: string;
    };
    const patientId = record.patientId;
    const fhirId = fhirPatientId(patientId);
    const source = `urn:hcdl:message:${ids.adt}`;
    // The refined zone's API (another branch): answered here as its contract says.
    await page.route(`**/fhir/Patient/${fhirId}/$everything**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/fhir+json',
        body: JSON.stringify({
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            { resource: { resourceType: 'Patient', id: fhirId, meta: { source, versionId: '1' } } },
            { resource: { resourceType: 'Encounter', id: 'e-1', meta: { source, versionId: '2' } } },
            { resource: { resourceType: 'Observation', id: 'o-9', meta: { source: 'urn:hcdl:message:OTHER', versionId: '1' } } },
          ],
        }),
      }),
    );
    await page.goto(`${t.url}/console/#/messages/${ids.adt}`);
    await page.locator('#fhir-section').waitFor();
    expect(await page.locator('#fhir-section summary').allTextContents()).toEqual([`Patient/${fhirId} (version 1)`, 'Encounter/e-1 (version 2)']);
    await page.screenshot({ path: path.join(shots, '06-detail-fhir.png'), fullPage: true });
    await page.close();
  });

  it('lists the error, places its diagnostic in the raw text, and replays it once the parser is fixed', async () => {
    const page = await signedIn();
    await page.getByRole('link', { name: 'Error queue' }).click();
    await page.getByRole('heading', { name: 'Error queue' }).waitFor();
    const row = page.locator(`#errors tbody tr[data-message-id="${ids.vxr}"]`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      ids.vxr,
      '1',
      'UNSUPPORTED_STRUCTURE',
      'this parser version does not read VXR^V03',
      'MSH[1]-9',
      'iis',
      'error',
      `Replay ${ids.vxr}`,
    ]);
    await page.screenshot({ path: path.join(shots, '07-error-queue.png'), fullPage: true });
    await row.getByRole('link', { name: ids.vxr }).click();
    await page.getByRole('heading', { name: /Message VXR\^V03/ }).waitFor();
    await page.getByRole('button', { name: 'Show in raw text' }).click();
    expect(await page.evaluate(() => [document.activeElement?.getAttribute('data-loc'), document.activeElement?.classList.contains('diag-error')])).toEqual([
      'MSH-9',
      true,
    ]);
    await page.screenshot({ path: path.join(shots, '08-error-located.png'), fullPage: true });
    parserFixed = true;
    await page.getByRole('button', { name: `Replay ${ids.vxr}` }).click();
    await page.locator('#announce').filter({ hasText: 'replayed: attempt 2' }).waitFor();
    await t.lake.idle();
    await page.reload();
    await page.locator('dl.facts .status-staged').waitFor();
    expect(await page.locator('#lineage-section table').nth(1).locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(['error', 'staged']);
    await page.screenshot({ path: path.join(shots, '09-replayed.png'), fullPage: true });
    await page.close();
  });

  it('opens a patient with its identifiers, merge and messages', async () => {
    const page = await signedIn();
    await page.locator(`#messages tr[data-message-id="${ids.a40}"] td:last-child a`).click();
    await page.getByRole('heading', { name: /^Patient pat_/ }).waitFor();
    const identifiers = await page.locator('#identifiers tbody tr td:first-child').allTextContents();
    expect(identifiers).toEqual(expect.arrayContaining([`##123456${ATHENA_SCOPE}`, `##456789${ATHENA_SCOPE}`]));
    const merge = await page.locator('#merges tbody tr td').allTextContents();
    expect(merge[3]).toBe('ADT^A40');
    expect(merge[4]).toBe(`##123456${ATHENA_SCOPE}`);
    // The survivor's messages, then those of the patient merged into it.
    const messages = await page.locator('#patient-messages tbody tr').evaluateAll((r) => r.map((x) => x.getAttribute('data-message-id') ?? ''));
    expect(messages.sort()).toEqual([ids.a28, ids.a31, ids.a40].sort());
    await page.screenshot({ path: path.join(shots, '10-patient.png'), fullPage: true });
    await page.close();
  });

  it('works from the keyboard alone, with every control labelled', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/console/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Focus starts on the page's heading: the token field is the next stop, then the button.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    await page.keyboard.insertText(token);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
    // Focus moves to the new page's heading once the page has rendered (after its data came).
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1', undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')].filter((el: any) => el.labels?.length === 0).map((el: any) => el.id),
    );
    expect(unlabelled).toEqual([]);
    // Through the navigation to the error queue, by keys.
    let guard = 0;
    while ((await page.evaluate(() => document.activeElement?.textContent)) !== 'Error queue' && guard++ < 30) await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Error queue' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Error queue', undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    // Into the first message of the queue by Tab and Enter.
    guard = 0;
    while (!((await page.evaluate(() => document.activeElement?.getAttribute('href'))) ?? '').startsWith('#/messages/') && guard++ < 40)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('#raw').waitFor();
    await page.screenshot({ path: path.join(shots, '11-keyboard.png'), fullPage: true });
    await page.close();
  });
});
