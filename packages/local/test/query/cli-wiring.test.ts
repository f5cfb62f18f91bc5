import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo, openTempLake, REPO } from './support';

describe('hcdl main wires query and compact', () => {
  it.each([
    ['query', 'Usage: hcdl query [options] <sql>', ['--format <format>', '--data-dir <dir>', '--max-width <n>', '--athena', 'Views: messages, errors']],
    ['compact', 'Usage: hcdl compact [options]', ['--data-dir <dir>', 'replacing the\nprevious compaction atomically']],
  ])('hcdl %s --help prints its usage', async (command, usage, parts) => {
    const io = captureIo();
    expect(await main([command, '--help'], io)).toBe(0);
    expect(io.out().startsWith(`${usage}\n`)).toBe(true);
    for (const part of parts) expect(io.out()).toContain(part);
    expect(io.err()).toBe('');
  });

  it('lists both in the help, without "(when available)"', async () => {
    const io = captureIo();
    expect(await main(['help'], io)).toBe(0);
    const lines = io.out().split('\n');
    expect(lines.find((l) => l.trimStart().startsWith('query'))).toMatch(/^\s+query <sql>\s+SQL over the lake \(DuckDB, or Athena with --athena\)/);
    expect(lines.find((l) => l.trimStart().startsWith('compact'))).toMatch(/^\s+compact\s+write staging to Parquet/);
    expect(lines.filter((l) => /^\s+(query|compact)\b/.test(l)).join('\n')).not.toContain('when available');
  });

  it('refuses a query without SQL as a usage error', async () => {
    const io = captureIo();
    expect(await main(['query'], io)).toBe(2);
    expect(io.err()).toBe("hcdl query: missing required argument 'sql'\nusage: hcdl query [options] <sql> (hcdl query --help for more)\n");
    const two = captureIo();
    expect(await main(['query', 'SELECT 1', 'SELECT 2'], two)).toBe(2);
    expect(two.err()).toMatch(/^hcdl query: too many arguments/);
  });
});

describe('the hcdl process', () => {
  /** `pnpm hcdl` runs packages/local/src/cli/main.ts with tsx: do the same, with SQL on stdin. */
  const hcdl = (args: string[], input: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'packages/local/src/cli/main.ts'), ...args], {
      cwd: REPO,
      input,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });

  it('reads the SQL from stdin with -, prints the rows of the last statement, and exits 1 on a SQL error without a stack', async () => {
    const { dataDir, lake } = await openTempLake();
    await lake.close();
    try {
      const ok = hcdl(
        ['query', '--data-dir', dataDir, '--format', 'csv', '-'],
        "SELECT 1 AS first; SELECT 42 AS answer, 'a\"b' AS s, count(*) AS n FROM messages;\n",
      );
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toBe('answer,s,n\r\n42,"a""b",0\r\n');
      expect(ok.status).toBe(0);
      const bad = hcdl(['query', '--data-dir', dataDir, '-'], 'SELECT FROM WHERE');
      expect(bad.status).toBe(1);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/^hcdl query: SQL error: Parser Error: syntax error at or near "WHERE"\n/);
      expect(bad.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('exits 1 with one line naming the folder when it holds no lake', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hcdl-query-proc-'));
    try {
      const res = hcdl(['query', '--data-dir', dir, 'SELECT count(*) FROM messages'], '');
      expect(res.status).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr.split('\n')).toEqual([
        `hcdl query: no lake at ${dir} (no catalog.db); give the lake's data folder with --data-dir or HCDL_DATA_DIR`,
        '',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
