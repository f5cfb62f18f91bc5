/**
 * `patient_conflicts` on the local lake: north and south send the same qualified MRN with
 * different birth dates and sexes (a conflict, not a link), then south merges its own second
 * patient into the first; the view shows the conflict (field names only) before and after
 * compaction, and `patient_messages` still follows south's merge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import type { LocalLake } from '../../src';
import { compactStaging, QueryEngine } from '../../src/query';
import { openTempLake, submit } from './support';

const msh = (type: string, id: string): string => `MSH|^~\\&|APP|FAC|R|R|20240101120000||${type}|${id}|P|2.5.1`;
const admit = (id: string, pid3: string, demographics: string): string =>
  `${msh('ADT^A01^ADT_A01', id)}\rEVN|A01|20240101\rPID|1||${pid3}||${demographics}\rPV1|1|I\r`;

describe('patient_conflicts view', () => {
  let dataDir: string;
  let lake: LocalLake;

  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    const sends: [string, string][] = [
      ['north', admit('N1', 'MRN-1^^^SHARED^MR', 'DOE^JANE||19800101|F')],
      ['south', admit('S1', 'MRN-1^^^SHARED^MR', 'ROE^JOHN||19751231|M')],
      ['south', admit('S2', 'S-2^^^SOUTH^MR', 'ROE^JOHN||19751231|M')],
      ['south', `${msh('ADT^A40^ADT_A39', 'S3')}\rEVN|A40|20240102\rPID|1||MRN-1^^^SHARED^MR||ROE^JOHN||19751231|M\rMRG|S-2^^^SOUTH^MR\r`],
    ];
    for (const [source, text] of sends) {
      expect(await submit(lake, source, Buffer.from(text))).toBe(201);
      await lake.idle();
    }
  }, 60_000);

  afterAll(async () => {
    await lake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const check = async (): Promise<void> => {
    const engine = await QueryEngine.open({ dataDir });
    try {
      const conflicts = await engine.query(
        'SELECT identifier, source, other_source, fields, patient_id <> conflicting_patient_id AS apart FROM patient_conflicts',
      );
      expect(conflicts.rows).toEqual([['SHARED#MR#MRN-1', 'south', 'north', ['birthDate', 'sex'], true]]);
      const links = await engine.query('SELECT count(*)::INTEGER FROM patient_links');
      expect(links.rows).toEqual([[0]]);
      // South's three messages end under one patient (its merge followed), north's apart.
      const byPatient = await engine.query('SELECT list_sort(list(control_id)) FROM patient_messages GROUP BY patient_id ORDER BY 1');
      expect(byPatient.rows).toEqual([[['N1']], [['S1', 'S2', 'S3']]]);
    } finally {
      engine.close();
    }
  };

  it('shows the conflict and keeps the two patients apart', check, 60_000);

  it('does so from the compacted catalog too', async () => {
    await compactStaging({ dataDir });
    await check();
  }, 60_000);
});
