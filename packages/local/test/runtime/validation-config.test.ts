/** The validation policy settings of the local lake (docs/adr/0013): variables, a JSON file, refusals. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, readConfig } from '../../src';

describe('validation policy configuration of the local lake', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hcdl-policy-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('defaults to standard for every source', () => {
    expect(readConfig({}).validation).toEqual({ default: 'standard', sources: {} });
  });

  it('reads the file, then the variables over it', async () => {
    const file = path.join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ default: 'lenient', sources: { 'ward-7': 'strict', lab: 'standard' } }));
    const config = readConfig({ HCDL_VALIDATION_POLICY_FILE: file, HCDL_VALIDATION_POLICY_BY_SOURCE: 'lab=lenient' });
    expect(config.validation).toEqual({ default: 'lenient', sources: { 'ward-7': 'strict', lab: 'lenient' } });
    expect(readConfig({ HCDL_VALIDATION_POLICY_FILE: file, HCDL_VALIDATION_POLICY: 'STRICT' }).validation.default).toBe('strict');
  });

  it('refuses a policy it does not know, a file it cannot read or parse, as a ConfigError naming the setting', async () => {
    expect(() => readConfig({ HCDL_VALIDATION_POLICY: 'relaxed' })).toThrow(ConfigError);
    expect(() => readConfig({ HCDL_VALIDATION_POLICY: 'relaxed' })).toThrow(/HCDL_VALIDATION_POLICY/);
    expect(() => readConfig({ HCDL_VALIDATION_POLICY_FILE: path.join(dir, 'missing.json') })).toThrow(
      /HCDL_VALIDATION_POLICY_FILE: cannot read the file \(ENOENT\)/,
    );
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"sources": {"lab": "loose"}}');
    expect(() => readConfig({ HCDL_VALIDATION_POLICY_FILE: bad })).toThrow(ConfigError);
  });
});
