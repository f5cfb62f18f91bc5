/**
 * The refined views over the zone's two layouts (ADR 0019): the segment files the lake writes
 * now, and the file per version an earlier version wrote, in one data folder. Each version is
 * one row, whichever layout (or how many copies) holds it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { refinedSegmentsDir } from '../../src/adapters/segment-files';
import type { LocalLake } from '../../src';
import { QueryEngine } from '../../src/query/engine';
import { refinedTypeDir } from '../../src/query/refined-views';
import { openTempLake } from './support';

const patient = (id: string, v: number, city: string): string =>
  JSON.stringify({
    resourceType: 'Patient',
    id,
    meta: { versionId: String(v), lastUpdated: `2026-12-0${v}T10:00:00Z`, source: `urn:hcdl:message:M${v}` },
    address: [{ city }],
  });
const observation = (id: string, subject: string): string =>
  JSON.stringify({
    resourceType: 'Observation',
    id,
    meta: { versionId: '1', lastUpdated: '2026-12-03T10:00:00Z', source: 'urn:hcdl:message:M3' },
    subject: { reference: `Patient/${subject}` },
  });

let dataDir: string;
let lake: LocalLake;
let engine: QueryEngine;

beforeAll(async () => {
  ({ dataDir, lake } = await openTempLake());
  await lake.close();
  // Version 1 of p-1 as an earlier version wrote it: a file of its own.
  const legacy = path.join(refinedTypeDir(dataDir, 'Patient'), 'p-1');
  await mkdir(legacy, { recursive: true });
  await writeFile(path.join(legacy, '1.json'), patient('p-1', 1, 'OLDTOWN'));
  // Version 2 in a segment, written twice (a retry after a crash wrote it again in a later segment).
  const segments = refinedSegmentsDir(dataDir);
  await mkdir(segments, { recursive: true });
  await writeFile(path.join(segments, '00000000a-000000-aaaaaa.ndjson'), `${patient('p-1', 2, 'NEWTOWN')}\n${observation('o-1', 'p-1')}\n`);
  await writeFile(path.join(segments, '00000000b-000001-bbbbbb.ndjson'), `${patient('p-1', 2, 'NEWTOWN')}\n`);
  engine = await QueryEngine.open({ dataDir, threads: 1 });
}, 120_000);
afterAll(async () => {
  engine?.close();
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('refined views over segment files and per-version files', () => {
  it('fhir_versions has each version once, from either layout', async () => {
    const r = await engine.query('SELECT resource_type, id, version_id, message_id, patient_id FROM fhir_versions ORDER BY resource_type, id, version_id');
    expect(r.rows).toEqual([
      ['Observation', 'o-1', 1, 'M3', 'p-1'],
      ['Patient', 'p-1', 1, 'M1', 'p-1'],
      ['Patient', 'p-1', 2, 'M2', 'p-1'],
    ]);
  });

  it('fhir_<type> holds the current version, whichever layout holds it', async () => {
    const r = await engine.query("SELECT id, version_id, resource->>'$.address[0].city' FROM fhir_patient");
    expect(r.rows).toEqual([['p-1', 2, 'NEWTOWN']]);
    expect((await engine.query('SELECT id, patient_id FROM fhir_observation')).rows).toEqual([['o-1', 'p-1']]);
    expect((await engine.query('SELECT count(*) FROM fhir_encounter')).rows).toEqual([[0]]);
  });
});
