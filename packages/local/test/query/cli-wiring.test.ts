import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main';
import { COMPACT_USAGE } from '../../src/cli/commands/compact';
import { QUERY_USAGE } from '../../src/cli/commands/query';
import { captureIo } from './support';

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
