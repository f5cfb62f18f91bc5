import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { IdentifierUse } from '@hcdl/lake';
import { ConfigError, readConfig } from '../../src/runtime/env';

describe('HCDL_IDENTITY_POLICY', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcdl-identity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the shipped policy when unset', () => {
    expect(readConfig({}).identityPolicy).toBeUndefined();
  });

  it('reads inline JSON and a JSON file', () => {
    const inline = readConfig({ HCDL_IDENTITY_POLICY: '{"sources":{"north":{"defaultAuthority":"NORTH"}}}' }).identityPolicy;
    expect(inline?.classify('north', { authority: '', type: 'MR', value: '4711' })).toEqual({ use: IdentifierUse.Link, authority: 'NORTH' });
    const file = path.join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ defaults: { linkTypes: ['MR'] } }));
    const fromFile = readConfig({ HCDL_IDENTITY_POLICY: file }).identityPolicy;
    expect(fromFile?.classify('south', { authority: 'H', type: 'PI', value: '4711' }).use).toBe(IdentifierUse.Scoped);
  });

  it('stops the start with the variable and the setting named', () => {
    expect(() => readConfig({ HCDL_IDENTITY_POLICY: '{"defaults":{"linkTypes":"MR"}}' })).toThrow(
      new ConfigError('HCDL_IDENTITY_POLICY: identity policy: defaults.linkTypes must be a list of text'),
    );
    expect(() => readConfig({ HCDL_IDENTITY_POLICY: path.join(dir, 'missing.json') })).toThrow(
      'HCDL_IDENTITY_POLICY names a file that cannot be read (ENOENT)',
    );
  });
});
