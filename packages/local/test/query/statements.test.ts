/**
 * Several statements in one `hcdl query`: they run in order in one session and the rows of
 * the last one are printed (docs/query.md); nothing runs when one does not parse; a refused
 * statement stops the run and is named.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import type { LocalLake } from '../../src';
import { runQuery } from '../../src/cli/commands/query';
import { QueryEngine, SqlError } from '../../src/query';
import { captureIo, openTempLake } from './support';

describe('several statements', () => {
  let dataDir: string;
  let lake: LocalLake;
  let engine: QueryEngine;
  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    engine = await QueryEngine.open({ dataDir });
  });
  afterAll(async () => {
    engine?.close();
    await lake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('returns the rows of the last one', async () => {
    expect(await engine.query('SELECT 1 AS a; SELECT 2 AS b')).toEqual({ columns: [{ name: 'b', type: 'INTEGER' }], rows: [[2]] });
    expect((await engine.query('SELECT 1 AS a;')).rows).toEqual([[1]]);
  });

  it('runs them in order in one session', async () => {
    const res = await engine.query('CREATE TEMP VIEW v AS SELECT count(*) AS n FROM messages; SELECT n + 1 AS m FROM v');
    expect(res.rows).toEqual([[1]]);
  });

  it('runs none when one does not parse', async () => {
    const err = await engine.query('CREATE TEMP TABLE t1 AS SELECT 1 AS x; SELEC 2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as Error).message).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
    await expect(engine.query('SELECT * FROM t1')).rejects.toThrow(/Table with name t1 does not exist/);
  });

  it('stops at a refused statement and names it', async () => {
    const err = await engine.query('CREATE TEMP TABLE t2 AS SELECT 1 AS x; SELECT * FROM nope; CREATE TEMP TABLE t3 AS SELECT 3 AS x').catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Catalog Error: Table with name nope does not exist![\s\S]*\(statement 2 of 3\)$/);
    expect((await engine.query('SELECT x FROM t2')).rows).toEqual([[1]]);
    await expect(engine.query('SELECT * FROM t3')).rejects.toThrow(/Table with name t3 does not exist/);
  });

  it('refuses SQL with no statement', async () => {
    const io = captureIo();
    expect(await runQuery(['--data-dir', dataDir, '/* only a comment */'], io)).toBe(1);
    expect(io.err()).toBe('hcdl query: SQL error: no SQL statement to run\n');
  });
});
