/**
 * A data folder that holds no lake is refused with one line naming it (querying it would
 * answer every question with no rows); a lake with no data has every view, empty.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalLake } from '../../src';
import { runCompact } from '../../src/cli/commands/compact';
import { runQuery } from '../../src/cli/commands/query';
import { compactStaging, LakeNotFoundError, QueryEngine } from '../../src/query';
import { captureIo, openTempLake, submit } from './support';

const VIEWS = [
  'messages',
  'errors',
  'patient_identifiers',
  'patient_links',
  'patient_merges',
  'patient_conflicts',
  'patient_messages',
  'patient_survivors',
  'staging',
  'fields',
];

describe('a data folder that holds no lake', () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), 'hcdl-query-none-')), 'lake');
  });
  afterAll(async () => rm(path.dirname(dir), { recursive: true, force: true }));

  it('is refused by the engine and by compaction', async () => {
    await expect(QueryEngine.open({ dataDir: dir })).rejects.toBeInstanceOf(LakeNotFoundError);
    await expect(compactStaging({ dataDir: dir })).rejects.toBeInstanceOf(LakeNotFoundError);
  });

  it('makes hcdl query and hcdl compact exit 1 with one line naming the folder', async () => {
    for (const [run, args] of [
      [runQuery, ['--data-dir', dir, 'SELECT count(*) FROM messages']],
      [runCompact, ['--data-dir', dir]],
    ] as const) {
      const io = captureIo();
      expect(await run([...args], io)).toBe(1);
      expect(io.out()).toBe('');
      expect(io.err()).toMatch(
        new RegExp(`^hcdl (query|compact): no lake at ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(no catalog\\.db\\); [^\\n]*\\n$`),
      );
    }
  });

  it('refuses a catalog.db that is not a lake catalog', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'hcdl-query-other-'));
    try {
      await writeFile(path.join(other, 'catalog.db'), '');
      const io = captureIo();
      expect(await runQuery(['--data-dir', other, 'SELECT 1'], io)).toBe(1);
      expect(io.err()).toBe(
        `hcdl query: no lake at ${other} (catalog.db has no messages table); give the lake's data folder with --data-dir or HCDL_DATA_DIR\n`,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('a lake with no messages yet', () => {
  let dataDir: string;
  let lake: LocalLake;
  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
  });
  afterAll(async () => {
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('has every view, empty', async () => {
    const engine = await QueryEngine.open({ dataDir });
    try {
      for (const v of VIEWS) expect({ v, rows: (await engine.query(`SELECT count(*) FROM ${v}`)).rows }).toEqual({ v, rows: [[0]] });
      expect(engine.staging).toEqual({ mode: 'empty', freshFiles: 0 });
      expect(engine.fields).toEqual({ mode: 'empty', walkedFiles: 0 });
      const sample = await engine.query("SELECT msh.message_control_id, pid.patient_name FROM staging WHERE msh.message_control_id = 'X'");
      expect(sample).toEqual({
        columns: [
          { name: 'message_control_id', type: 'VARCHAR' },
          { name: 'patient_name', type: 'JSON' },
        ],
        rows: [],
      });
      const cols = await engine.query('SELECT column_name, column_type FROM (DESCRIBE fields)');
      expect(cols.rows).toEqual([
        ['message_id', 'VARCHAR'],
        ['source', 'VARCHAR'],
        ['type', 'VARCHAR'],
        ['dt', 'DATE'],
        ['segment', 'VARCHAR'],
        ['seq', 'INTEGER'],
        ['field', 'INTEGER'],
        ['rep', 'INTEGER'],
        ['component', 'INTEGER'],
        ['sub', 'INTEGER'],
        ['value', 'VARCHAR'],
        ['name', 'VARCHAR'],
      ]);
    } finally {
      engine.close();
    }
  });

  it('has nothing to compact', async () => {
    expect(await compactStaging({ dataDir })).toBeUndefined();
    const io = captureIo();
    expect(await runCompact(['--data-dir', dataDir], io)).toBe(0);
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
