import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { COMPACT_USAGE } from '../../src/cli/commands/compact';
import { QUERY_USAGE } from '../../src/cli/commands/query';
import { captureIo, REPO } from './support';

describe('hcdl main wires query and compact', () => {
  it.each([
    ['query', QUERY_USAGE],
    ['compact', COMPACT_USAGE],
  ])('hcdl %s --help prints its usage', async (command, usage) => {
    const io = captureIo();
    expect(await main([command, '--help'], io)).toBe(0);
    expect(io.out()).toBe(`${usage}\n`);
    expect(io.err()).toBe('');
  });

  it('lists both in the help, without "(when available)"', async () => {
    const io = captureIo();
    expect(await main(['help'], io)).toBe(0);
    const lines = io.out().split('\n');
    expect(lines.find((l) => l.trimStart().startsWith('query'))).toMatch(/^\s+query "<sql>"\s+SQL over the lake \(DuckDB, or Athena with --athena\)/);
    expect(lines.find((l) => l.trimStart().startsWith('compact'))).toMatch(/^\s+compact\s+write staging to Parquet/);
    expect(lines.filter((l) => /^\s+(query|compact)\b/.test(l)).join('\n')).not.toContain('when available');
  });

  it('refuses a query without SQL as a usage error', async () => {
    const io = captureIo();
    expect(await main(['query'], io)).toBe(2);
    expect(io.err()).toContain('give exactly one SQL text');
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

  it('reads the SQL from stdin with -, prints rows, and exits 1 on a SQL error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hcdl-query-proc-'));
    try {
      const ok = hcdl(['query', '--data-dir', dir, '--format', 'csv', '-'], "SELECT 42 AS answer, 'a\"b' AS s;\n");
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toBe('answer,s\r\n42,"a""b"\r\n');
      expect(ok.status).toBe(0);
      const bad = hcdl(['query', '--data-dir', dir, '-'], 'SELECT FROM WHERE');
      expect(bad.status).toBe(1);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/^hcdl query: SQL error: Parser Error: syntax error at or near "WHERE"\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
