/** The views of a lake with no data: they exist and return no rows, they do not fail. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalLake } from '../../src';
import { runCompact } from '../../src/cli/commands/compact';
import { runQuery } from '../../src/cli/commands/query';
import { compactStaging, QueryEngine } from '../../src/query';
import { captureIo, openTempLake, submit } from './support';

const VIEWS = ['messages', 'errors', 'patient_identifiers', 'patient_links', 'patient_merges', 'staging'];

describe('a data folder that does not exist yet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), 'hcdl-query-none-')), 'lake');
  });
  afterAll(async () => rm(path.dirname(dir), { recursive: true, force: true }));

  it('has every view, empty', async () => {
    const engine = await QueryEngine.open({ dataDir: dir });
    try {
      expect(await engine.ensureStaging()).toEqual({ mode: 'empty', freshFiles: 0 });
      for (const v of VIEWS) expect({ v, rows: (await engine.query(`SELECT count(*) FROM ${v}`)).rows }).toEqual({ v, rows: [[0]] });
      const sample = await engine.query("SELECT msh.message_control_id, pid.patient_name FROM staging WHERE type = 'ADT_A01'");
      expect(sample).toEqual({
        columns: [
          { name: 'message_control_id', type: 'JSON' },
          { name: 'patient_name', type: 'JSON' },
        ],
        rows: [],
      });
      const cols = await engine.query('SELECT column_name, column_type FROM (DESCRIBE messages) LIMIT 3');
      expect(cols.rows).toEqual([
        ['message_id', 'VARCHAR'],
        ['source', 'VARCHAR'],
        ['status', 'VARCHAR'],
      ]);
    } finally {
      engine.close();
    }
  });

  it('has nothing to compact', async () => {
    expect(await compactStaging({ dataDir: dir })).toBeUndefined();
    const io = captureIo();
    expect(await runCompact(['--data-dir', dir], io)).toBe(0);
    expect(io.out()).toBe('nothing to compact: the staging zone is empty\n');
  });
});

describe('a lake holding only messages that failed', () => {
  let dataDir: string;
  let lake: LocalLake;
  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    // Not HL7 at all: kept in the error zone, catalogued, never staged.
    expect(await submit(lake, 'noise', Buffer.from('this is not an HL7 message\n'))).toBe(400);
    await lake.idle();
  });
  afterAll(async () => {
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers from the catalog and has an empty staging view', async () => {
    const io = captureIo();
    expect(
      await runQuery(
        ['--data-dir', dataDir, '--format', 'json', 'SELECT m.source, m.status, e.stage, e.code FROM messages m JOIN errors e USING (message_id)'],
        io,
      ),
    ).toBe(0);
    const rows = JSON.parse(io.out()) as { source: string; status: string; code: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.source === 'noise' && r.status === 'error')).toBe(true);
    const staging = captureIo();
    expect(await runQuery(['--data-dir', dataDir, '--format', 'csv', 'SELECT source, type, dt FROM staging'], staging)).toBe(0);
    expect(staging.out()).toBe('source,type,dt\r\n');
  });
});
