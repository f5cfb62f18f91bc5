import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../src/errors';
import {
  DEFAULT_LINK_TYPES,
  DEFAULT_NEVER_LINK_TYPES,
  IdentifierUse,
  IdentityPolicy,
  identityPolicyFromJson,
  parseIdentityPolicyConfig,
} from '../../src/patient-index/identity-policy';
import { indexKeysOf } from '../../src/patient-index/index-keys';

const id = (value: string, type = 'MR', authority = 'HOSP') => ({ authority, type, value });

describe('identity policy', () => {
  const policy = new IdentityPolicy();

  it('ships MR, PI, PT, AN as linking types and SS, DL as never linking', () => {
    expect(DEFAULT_LINK_TYPES).toEqual(['MR', 'PI', 'PT', 'AN']);
    expect(DEFAULT_NEVER_LINK_TYPES).toEqual(['SS', 'DL']);
    for (const type of ['MR', 'PI', 'PT', 'AN', 'mr']) expect(policy.classify('s', id('4711', type)).use).toBe(IdentifierUse.Link);
    for (const type of ['SS', 'DL', 'ss']) expect(policy.classify('s', id('4711', type)).use).toBe(IdentifierUse.Ignored);
    // Another type, or no authority: only within the sending facility.
    for (const [type, authority] of [
      ['VN', 'HOSP'],
      ['', 'HOSP'],
      ['MR', ''],
    ]) {
      expect(policy.classify('s', id('4711', type, authority)).use).toBe(IdentifierUse.Scoped);
    }
  });

  it.each([
    '00000-0000000',
    '0',
    '000 000 000',
    '999999999',
    '999-99-9999',
    '11111111',
    '123456789',
    '123-45-6789',
    'UNKNOWN',
    'unk',
    'N/A',
    'NONE',
    'NULL',
    '?',
    'XXXXX',
    'TEST',
    'test123',
    'TEST-PATIENT-2',
    'DUMMY_1',
  ])('never indexes the placeholder %s', (value) => {
    expect(policy.classify('s', id(value)).use).toBe(IdentifierUse.Ignored);
  });

  it.each(['4711', '0012345', 'MRN-100200', '900000001', 'A123456', '19800315', 'TESTA', 'UNKNOWNS'])('keeps the real-looking value %s', (value) => {
    expect(policy.classify('s', id(value)).use).toBe(IdentifierUse.Link);
  });

  it('applies per-source settings over the file defaults over the shipped ones', () => {
    const p = new IdentityPolicy({
      defaults: { linkTypes: ['MR'], placeholders: ['NOPE'] },
      sources: { north: { defaultAuthority: 'NORTH', neverLinkTypes: [] } },
    });
    expect(p.classify('south', id('4711', 'PI')).use).toBe(IdentifierUse.Scoped);
    expect(p.classify('south', id('00000')).use).toBe(IdentifierUse.Link);
    expect(p.classify('south', id('nope')).use).toBe(IdentifierUse.Ignored);
    expect(p.classify('north', id('4711', 'MR', ''))).toEqual({ use: IdentifierUse.Link, authority: 'NORTH' });
    expect(p.classify('north', id('123', 'SS', 'SSA')).use).toBe(IdentifierUse.Scoped);
    expect(p.forSource('north')).toMatchObject({ linkTypes: ['MR'], neverLinkTypes: [], defaultAuthority: 'NORTH' });
  });

  it('turns written identifiers into index keys: linking, scoped to source and facility, or left out', () => {
    const keys = indexKeysOf(policy, { source: 'north', facility: 'WARD#1' }, ['HOSP#MR#1', '#MR#2', 'SSA#SS#3', 'HOSP#MR#UNKNOWN', 'HOSP#MR#1']);
    expect(keys).toEqual({ keys: ['HOSP#MR#1', '#MR#2#north#WARD%231'], ignored: 2 });
  });

  it('reads a policy file and refuses a wrong one, naming the setting', () => {
    expect(identityPolicyFromJson('{"sources":{"north":{"defaultAuthority":"N"}}}').forSource('north').defaultAuthority).toBe('N');
    expect(() => identityPolicyFromJson('{')).toThrow(ValidationError);
    expect(() => parseIdentityPolicyConfig([])).toThrow('identity policy must be a JSON object');
    expect(() => parseIdentityPolicyConfig({ default: {} })).toThrow('unknown setting default');
    expect(() => parseIdentityPolicyConfig({ sources: { north: { linkType: ['MR'] } } })).toThrow('unknown setting sources.north.linkType');
    expect(() => parseIdentityPolicyConfig({ defaults: { linkTypes: 'MR' } })).toThrow('defaults.linkTypes must be a list of text');
    expect(() => parseIdentityPolicyConfig({ defaults: { placeholders: ['('] } })).toThrow('defaults.placeholders holds an invalid regular expression');
    expect(() => parseIdentityPolicyConfig({ sources: { north: { defaultAuthority: 1 } } })).toThrow('sources.north.defaultAuthority must be text');
  });
});
