/**
 * `hcdl fhir` (the transaction Bundle of each message of a file) and `hcdl replay --fhir`
 * (the refined zone rebuilt from the staged messages of a data folder).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runFhir } from '../src/cli/commands/fhir';
import { runReplay } from '../src/cli/commands/replay';
import { readConfig } from '../src/runtime/env';
import { openLocalLake } from '../src/runtime/lake';

const CORPUS = join(import.meta.dirname, '../../../test/fixtures/corpus');
const SINGLE = join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7');
const FIVE = join(CORPUS, 'hcls-data-lake/messages/adt03_AthenaHealth.txt');

async function run(command: (args: string[], io: { stdout: PassThrough; stderr: PassThrough }) => Promise<number>, args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await command(args, { stdout, stderr });
  return { code, stdout: out, stderr: err };
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hcdl-cli-fhir-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hcdl fhir', () => {
  it('prints one transaction Bundle per message, a PUT per resource, meta.source naming the message', async () => {
    const r = await run(runFhir, [SINGLE, FIVE]);
    expect(r.code).toBe(0);
    const bundles = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    expect(bundles).toHaveLength(6);
    for (const b of bundles) {
      expect(b).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
      for (const e of b.entry) expect(e.request).toEqual({ method: 'PUT', url: `${e.resource.resourceType}/${e.resource.id}` });
      const sources = new Set(b.entry.map((e: any) => e.resource.meta.source));
      expect(sources.size).toBe(1);
      expect([...sources][0]).toMatch(/^urn:hcdl:message:[0-9A-HJKMNP-TV-Z]{26}$/);
    }
    expect(bundles[0].entry.map((e: any) => e.resource.resourceType)).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'MessageHeader', 'Provenance']));
    expect(r.stderr).toBe('');
  });

  it('indents with --pretty and lists notes (codes and locations only) with --notes', async () => {
    const r = await run(runFhir, ['--pretty', '--notes', '--source', 'clinic-a', SINGLE]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).entry.length).toBeGreaterThan(5);
    expect(r.stdout.split('\n')[1]).toMatch(/^ {2}"/);
    const notes = r.stderr.split('\n').filter((l) => l !== '');
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes)
      expect(n).toMatch(
        /^hcdl fhir: .+ message 1: [A-Z0-9]+\[\d+\](-\d+)? (unmapped-segment|unmapped-field|invalid-value|out-of-context|unknown-message-type)$/,
      );
    expect(r.stderr).not.toContain('EVERYMAN');
  });

  it('exits 1 on an unusable input, 2 on usage errors', async () => {
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'this is not HL7 at all');
    const bad = await run(runFhir, [junk]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/junk\.txt: fatal: the input has no MSH segment/);
    expect(bad.stderr).not.toContain('not HL7 at all');
    expect((await run(runFhir, [])).code).toBe(2);
    expect((await run(runFhir, ['--source', '../x', SINGLE])).code).toBe(2);
    expect((await run(runFhir, ['--bogus', SINGLE])).code).toBe(2);
  });
});

describe('hcdl replay --fhir', () => {
  it('rebuilds a refined zone lost with its store from the staged messages, then finds nothing to change', async () => {
    const dataDir = join(dir, 'lake');
    const env = { HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PORT: '0' };
    const lake = await openLocalLake(readConfig(env));
    let patientKey: string;
    try {
      const out = await lake.app.submit({ claims: { 'custom:write': 'ghh' }, source: 'ghh', contentType: 'application/hl7-v2', body: readFileSync(SINGLE) });
      expect(out.kind).toBe('accepted');
      await lake.idle();
      const patients = await lake.adapters.resources.search({ resourceType: 'Patient', criteria: [] });
      expect(patients.items).toHaveLength(1);
      patientKey = patients.items[0]?.key as string;
    } finally {
      await lake.close();
    }
    await rm(path.join(dataDir, 'refined.db'));
    // The zone's bodies: lines of segment files (ADR 0019); nothing under zones/refined/ any more.
    expect(existsSync(path.join(dataDir, 'zones', 'refined'))).toBe(false);
    await rm(path.join(dataDir, 'segments', 'refined'), { recursive: true });
    const first = await run((a, io) => runReplay(a, io, env), ['--fhir', '--json']);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ messages: 1, failed: [] });
    expect(summary.versions).toBeGreaterThan(5);
    const again = await run((a, io) => runReplay(a, io, env), ['--fhir']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^refined 1 staged message\(s\) again: 0 new version\(s\), \d+ resource\(s\) unchanged/);
    const reopened = await openLocalLake(readConfig(env));
    try {
      const patient = (await reopened.adapters.resources.search({ resourceType: 'Patient', criteria: [] })).items[0];
      expect(patient?.key).toBe(patientKey);
      expect(await reopened.adapters.objectStore.head(patientKey)).toBeDefined();
    } finally {
      await reopened.close();
    }
    expect((await run((a, io) => runReplay(a, io, env), ['--fhir', '--since', 'yesterday'])).code).toBe(2);
  }, 120_000);
});
