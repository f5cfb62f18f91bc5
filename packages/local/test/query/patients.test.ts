/**
 * `patient_messages` and `patient_survivors` follow merge chains: three patients, C merged
 * into B then B into A (ADT^A40), then a message for C's MRN. Every message ends under A,
 * before and after compaction, as survivorOf of @hcdl/lake resolves them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { survivorOf } from '@hcdl/lake';
import type { LocalLake } from '../../src';
import { compactStaging, QueryEngine } from '../../src/query';
import { openTempLake, submit } from './support';

const msh = (type: string, id: string): string => `MSH|^~\\&|APP|FAC|R|R|20240101120000||${type}|${id}|P|2.5.1`;
const admit = (id: string, mrn: string): string => `${msh('ADT^A01^ADT_A01', id)}\rEVN|A01|20240101\rPID|1||${mrn}^^^HOSP^MR||DOE^${mrn}\rPV1|1|I\r`;
const merge = (id: string, survivor: string, merged: string): string =>
  `${msh('ADT^A40^ADT_A39', id)}\rEVN|A40|20240102\rPID|1||${survivor}^^^HOSP^MR||DOE^${survivor}\rMRG|${merged}^^^HOSP^MR\r`;

describe('patient views over merges', () => {
  let dataDir: string;
  let lake: LocalLake;
  let expected: string[];

  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    for (const text of [admit('M1', 'A'), admit('M2', 'B'), admit('M3', 'C'), merge('M4', 'B', 'C'), merge('M5', 'A', 'B'), admit('M6', 'C')]) {
      expect(await submit(lake, 'hosp', Buffer.from(text))).toBe(201);
      await lake.idle();
    }
    const messages = (await lake.adapters.catalog.listMessages({ limit: 100 })).items;
    expected = [];
    for (const m of messages) expected.push(`${await survivorOf(lake.adapters.catalog, m.patientId!)} ${m.controlId}`);
    expected.sort();
  }, 60_000);

  afterAll(async () => {
    await lake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const check = async (): Promise<void> => {
    const engine = await QueryEngine.open({ dataDir });
    try {
      const rows = await engine.query('SELECT patient_id, control_id, recorded_patient_id FROM patient_messages ORDER BY patient_id, control_id');
      expect(rows.rows.map(([p, c]) => `${p} ${c}`)).toEqual(expected);
      const survivor = rows.rows[0]![0];
      expect(rows.rows.map((r) => r[0])).toEqual(Array(6).fill(survivor));
      // Three patients were recorded on the messages; all survive as A.
      expect(new Set(rows.rows.map((r) => r[2])).size).toBe(3);
      const chains = await engine.query(
        'SELECT pi.value, s.merges, s.survivor_patient_id = ? AS to_a FROM patient_identifiers pi JOIN patient_survivors s USING (patient_id) ORDER BY pi.value'.replace(
          '?',
          `'${survivor}'`,
        ),
      );
      expect(chains.rows).toEqual([
        ['A', 0, true],
        ['B', 1, true],
        ['C', 2, true],
      ]);
    } finally {
      engine.close();
    }
  };

  it('puts every message under the surviving patient', check, 60_000);

  it('does so from the compacted catalog too', async () => {
    await compactStaging({ dataDir });
    await check();
  }, 60_000);
});
