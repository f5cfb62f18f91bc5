/**
 * The console's FHIR panels against the real refined zone of a local lake (no stubbed /fhir):
 * an ADT^A01 and then an ORU^R01 of the same patient are posted, the test waits (polling
 * /fhir, no sleeps) until the refined zone holds their resources, and the console's message
 * detail and patient view must show exactly the resources the lake's FHIR API answers,
 * under the Patient id the lake names (`pat-<ULID>`). Screenshots in test-artifacts/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fhirPatientId } from '@hcdl/lake';
import { artifactsDir, browserTestsRun, launchChromium } from './support/browser';
import { A01 } from './support/fhir';
import { CORPUS, post, startTestLake, type TestLake } from './support/harness';

const lines = (text: string): string[] => text.split(/\r\n|\r|\n/).filter((l) => l !== '');
/** The corpus ORU^R01 (a glucose result) with the A01's PID: a lab result of the A01's patient. */
const ORU = (() => {
  const oru = lines(readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ORU-R01-RMGEAD.hl7'), 'latin1'));
  const pid = lines(A01).find((l) => l.startsWith('PID|')) as string;
  return `${oru.map((l) => (l.startsWith('PID|') ? pid : l)).join('\r')}\r`;
})();

interface Resource {
  resourceType: string;
  id: string;
  meta: { versionId: string; source?: string };
}

const describeBrowser = browserTestsRun() ? describe : describe.skip;

describeBrowser('web console FHIR panels over the real refined zone', () => {
  let t: TestLake;
  let browser: Browser;
  let token: string;
  let shots: string;

  const api = async (p: string): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${t.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, json: await res.json() };
  };
  /** The patient's resources as the lake's FHIR API answers them. */
  const everything = async (fhirId: string): Promise<Resource[]> => {
    const r = await api(`/fhir/Patient/${fhirId}/$everything?_count=200`);
    return r.status === 200 ? ((r.json.entry ?? []) as { resource: Resource }[]).map((e) => e.resource) : [];
  };
  /** Polls the FHIR API until `ready` holds for the patient's resources (the refined stage runs after staging). */
  const waitForFhir = async (fhirId: string, ready: (rs: Resource[]) => boolean): Promise<Resource[]> => {
    for (;;) {
      await t.lake.idle();
      const rs = await everything(fhirId);
      if (ready(rs)) return rs;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const submit = async (body: string): Promise<{ messageId: string; patientId: string }> => {
    const r = await post(t.url, body, { token, query: '?source=ghh' });
    expect(r.status).toBe(201);
    const messageId = r.json().messageId as string;
    await t.lake.idle();
    const row = await api(`/hl7v2/messages/${messageId}`);
    expect(row.json.status).toBe('staged');
    return { messageId, patientId: row.json.patientId as string };
  };
  const summaries = (page: Page, section: string): Promise<string[]> => page.locator(`#${section} summary`).allTextContents();
  const label = (r: Resource): string => `${r.resourceType}/${r.id} (version ${r.meta.versionId})`;

  async function signedIn(hash: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/console/`);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
    await page.goto(`${t.url}/console/${hash}`);
    return page;
  }

  beforeAll(async () => {
    t = await startTestLake();
    token = await t.token({ sub: 'console-fhir', write: 'ghh', read: 'ghh' });
    shots = await artifactsDir();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('message detail and patient view show the Patient, Encounter and Observation the lake made, under its pat-<ULID> id', async () => {
    const adt = await submit(A01);
    const fhirId = fhirPatientId(adt.patientId);
    expect(fhirId).toMatch(/^pat-[0-9A-Z]{26}$/);
    const fromAdt = (r: Resource) => r.meta.source === `urn:hcdl:message:${adt.messageId}`;
    const afterAdt = await waitForFhir(fhirId, (rs) => rs.some((r) => r.resourceType === 'Patient') && rs.some((r) => r.resourceType === 'Encounter'));
    expect(afterAdt.find((r) => r.resourceType === 'Patient')?.id).toBe(fhirId);

    // The A01's detail: the resources whose version it made, as the lake lists them.
    const page = await signedIn(`#/messages/${adt.messageId}`);
    await page.locator('#fhir-section summary').first().waitFor();
    const adtMade = afterAdt.filter(fromAdt);
    expect(adtMade.map((r) => r.resourceType)).toEqual(expect.arrayContaining(['Patient', 'Encounter']));
    expect((await summaries(page, 'fhir-section')).sort()).toEqual(adtMade.map(label).sort());
    // The JSON shown is the lake's resource.
    const shown = JSON.parse((await page.locator('#fhir-section pre').first().textContent()) ?? '{}') as Resource;
    expect(afterAdt).toContainEqual(shown);
    await page.screenshot({ path: path.join(shots, '20-real-fhir-adt.png'), fullPage: true });

    // The ORU of the same patient: its Observation joins the patient's resources.
    const oru = await submit(ORU);
    expect(oru.patientId).toBe(adt.patientId);
    const fromOru = (r: Resource) => r.meta.source === `urn:hcdl:message:${oru.messageId}`;
    // The A01 has OBX segments too: wait for an Observation of the ORU itself.
    const all = await waitForFhir(fhirId, (rs) => rs.some((r) => r.resourceType === 'Observation' && fromOru(r)));
    const oruMade = all.filter(fromOru);
    expect(oruMade.map((r) => r.resourceType)).toContain('Observation');
    await page.goto(`${t.url}/console/#/messages/${oru.messageId}`);
    await page.getByRole('heading', { name: /^Message ORU\^R01/ }).waitFor();
    await page.locator('#fhir-section summary').first().waitFor();
    expect((await summaries(page, 'fhir-section')).sort()).toEqual(oruMade.map(label).sort());
    await page.screenshot({ path: path.join(shots, '21-real-fhir-oru.png'), fullPage: true });

    // The patient view: every current resource of the patient, each naming the message that made it.
    await page.goto(`${t.url}/console/#/patients/${adt.patientId}`);
    await page.getByRole('heading', { name: `Patient ${adt.patientId}` }).waitFor();
    await page.locator('#patient-fhir summary').first().waitFor();
    expect((await summaries(page, 'patient-fhir')).sort()).toEqual(all.map(label).sort());
    const types = new Set(all.map((r) => r.resourceType));
    for (const type of ['Patient', 'Encounter', 'Observation']) expect(types.has(type)).toBe(true);
    const links = await page.locator('#patient-fhir li > a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(new Set(links)).toEqual(new Set(all.map((r) => `#/messages/${(r.meta.source ?? '').replace('urn:hcdl:message:', '')}`)));
    await page.screenshot({ path: path.join(shots, '22-real-fhir-patient.png'), fullPage: true });
    await page.close();
  }, 180_000);
});
