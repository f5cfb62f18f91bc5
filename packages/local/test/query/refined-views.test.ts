/**
 * The refined zone's SQL views on DuckDB (`fhir_<type>`: current, not deleted; `fhir_versions`:
 * every version), over a lake that refined real messages, updated one and deleted another.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { REFINED_VIEW_COLUMNS } from '@hcdl/lake';
import { QueryEngine } from '../../src/query/engine';
import type { LocalLake } from '../../src';
import { CORPUS, openTempLake, submit } from './support';

const A01 = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'), 'latin1');
/** The A01 again as an A08 at a later time with a new control id and address. */
const A08 = A01.replace('|ADT^A01^ADT_A01|MSG00001|', '|ADT^A08^ADT_A01|MSG00002|')
  .replace('EVN|A01|20290801070624+0115', 'EVN|A08|20290901070624+0115')
  .replace(/([\r\n]PID(?:\|[^|\r\n]*){10}\|)[^|\r\n]*/, '$1123 NEW RD^^MADISON^WI^53703');
const A01_B = 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240101100000||ADT^A01^ADT_A01|B-1|P|2.5\rEVN|A01|20240101100000\rPID|1||GONE-1^^^HOSP^MR||ROE^RICHARD\r';
const A29_B = 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102100000||ADT^A29^ADT_A21|B-2|P|2.5\rEVN|A29|20240102100000\rPID|1||GONE-1^^^HOSP^MR||ROE^RICHARD\r';

let dataDir: string;
let lake: LocalLake;
let engine: QueryEngine;

beforeAll(async () => {
  ({ dataDir, lake } = await openTempLake());
  // One after the other, each refined before the next: the staging pool may reorder messages sent together.
  for (const m of [A01, A08, A01_B, A29_B]) {
    expect(await submit(lake, 'ghh', Buffer.from(m, 'latin1'))).toBe(201);
    await lake.idle();
  }
  engine = await QueryEngine.open({ dataDir, threads: 1 });
}, 120_000);
afterAll(async () => {
  engine?.close();
  await lake?.close();
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('refined views (DuckDB)', () => {
  it('fhir_<type> has the declared typed columns, then the resource as JSON', async () => {
    const r = await engine.query('DESCRIBE fhir_patient');
    expect(r.rows.map((row) => [row[0], row[1]])).toEqual(
      REFINED_VIEW_COLUMNS.map((c) => [c.name, c.type === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : c.type]),
    );
  });

  it('holds the current version of each live resource: the A01 patient at version 2, the deleted one not at all', async () => {
    const r = await engine.query("SELECT id, version_id, patient_id = id, resource->>'$.address[0].line[0]' FROM fhir_patient");
    expect(r.rows).toHaveLength(1);
    const [id, version, self, street] = r.rows[0] as [string, number, boolean, string];
    expect([version, self, street]).toEqual([2, true, '123 NEW RD']);
    const encounters = await engine.query('SELECT patient_id, message_id FROM fhir_encounter');
    expect(encounters.rows.map((row) => row[0])).toEqual([id]);
    const linked = await engine.query('SELECT m.message_type FROM fhir_encounter e JOIN messages m ON m.message_id = e.message_id');
    expect([['ADT^A01'], ['ADT^A08']]).toContainEqual(linked.rows[0]);
  });

  it('fhir_versions has every version, the delete as a tombstone', async () => {
    const r = await engine.query("SELECT version_id, deleted FROM fhir_versions WHERE resource_type = 'Patient' ORDER BY id, version_id");
    expect(r.rows).toEqual(
      expect.arrayContaining([
        [1, false],
        [2, false],
        [2, true],
      ]),
    );
    expect(r.rows).toHaveLength(4);
    const joined = await engine.query('SELECT count(*) FROM fhir_versions v JOIN messages m ON m.message_id = v.message_id');
    expect(joined.rows[0]?.[0]).toBe((await engine.query('SELECT count(*) FROM fhir_versions')).rows[0]?.[0]);
  });

  it('a type with nothing refined answers no rows with the same columns', async () => {
    const r = await engine.query('SELECT * FROM fhir_immunization');
    expect(r.rows).toEqual([]);
    expect(r.columns.map((c) => c.name)).toEqual(REFINED_VIEW_COLUMNS.map((c) => c.name));
  });
});
