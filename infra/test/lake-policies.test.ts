import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readValidationPolicies } from '@hcdl/core';
import { identityPolicyFromJson, SETTINGS } from '@hcdl/lake';
import { loadInfraConfig } from '../src/env';
import { InfraConfigError } from '../src/errors';
import { MAX_IDENTITY_POLICY_BYTES } from '../src/policies';
import { resourcesOf, synthAll, type StackId, type SynthResult, type TfJson } from './support/synth';

// The identity and validation policies of an environment (its file's `policies` section):
// checked at synth with the functions' own parsers, set on exactly the functions that read them.
const POLICY_VARS: readonly string[] = [
  SETTINGS.identityPolicy.env,
  SETTINGS.validationPolicy.env,
  SETTINGS.validationPolicyBySource.env,
  SETTINGS.validationPolicyFile.env,
];
const IDENTITY = { defaults: { linkTypes: ['MR', 'PI'] }, sources: { north: { defaultAuthority: 'NORTH', placeholders: ['0+'] } } };
const VALIDATION = { default: 'lenient', sources: { 'ward-7': 'strict', lab: 'standard' } };
/** The optional MLLP stack too, so "nowhere else" covers its container. */
const MLLP = {
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/hcdl-mllp:1.0',
  vpcId: 'vpc-0a1b2c3d',
  subnetIds: ['subnet-0a1b2c3d'],
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab',
  allowedCidrs: ['10.20.0.0/16'],
  listeners: [{ port: 2575, source: 'lab' }],
};

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
/** A folder holding dev.json and the given files beside it. */
function envDir(envFile: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcdl-policies-'));
  temps.push(dir);
  writeFileSync(path.join(dir, 'dev.json'), JSON.stringify(envFile));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
const load = (dir: string) => loadInfraConfig({ environment: { HCDL_ENV: 'dev', AWS_REGION: 'eu-west-1' }, envDir: dir });

/** Every policy variable set anywhere in the synthesized stacks, by the function (or resource) that has it. */
function policyVariablesByHolder(json: Record<StackId, TfJson>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [stack, tf] of Object.entries(json)) {
    for (const fn of Object.values(resourcesOf(tf, 'aws_lambda_function'))) {
      const vars = (fn.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
      const set = Object.entries(vars).filter(([k]) => POLICY_VARS.includes(k));
      if (set.length > 0) out[String(fn.function_name)] = Object.fromEntries(set);
    }
    // Anything else (container definitions, parameters) would show the names in the stack's text.
    const elsewhere = JSON.stringify({ ...tf, resource: { ...tf.resource, aws_lambda_function: undefined } });
    for (const name of POLICY_VARS) if (elsewhere.includes(name)) out[`${stack} (not a function)`] = { [name]: '?' };
  }
  return out;
}

describe('lake policies in the stacks', () => {
  let synth: SynthResult;
  beforeAll(() => {
    synth = synthAll(
      {},
      {
        envFile: { mllp: MLLP, policies: { identity: IDENTITY, validation: 'policies/validation.json' } },
        besideEnvFile: { 'policies/validation.json': JSON.stringify(VALIDATION, null, 2) },
      },
    );
  }, 60_000);
  afterAll(() => synth?.cleanup());

  it('sets the identity policy on core-writer and the validation policies on staging-stage, and nowhere else', () => {
    expect(Object.keys(synth.json)).toContain('mllp');
    const byHolder = policyVariablesByHolder(synth.json);
    expect(Object.keys(byHolder).sort()).toEqual(['hcdl-dev-core-writer', 'hcdl-dev-staging-stage']);
    expect(byHolder['hcdl-dev-core-writer']).toEqual({ [SETTINGS.identityPolicy.env]: JSON.stringify(IDENTITY) });
    // Lambda reads no policy file: the document becomes the default and the source=policy list.
    expect(byHolder['hcdl-dev-staging-stage']).toEqual({
      [SETTINGS.validationPolicy.env]: 'lenient',
      [SETTINGS.validationPolicyBySource.env]: 'lab=standard,ward-7=strict',
    });
  });

  it('gives the functions what their own parsers read back as the configured policies', () => {
    const byHolder = policyVariablesByHolder(synth.json);
    const identity = identityPolicyFromJson(byHolder['hcdl-dev-core-writer']?.[SETTINGS.identityPolicy.env] ?? '');
    expect(identity.forSource('north')).toMatchObject({ defaultAuthority: 'NORTH', linkTypes: ['MR', 'PI'], placeholders: ['0+'] });
    expect(identity.classify('north', { authority: '', type: 'MR', value: '12345' })).toEqual({ use: 'link', authority: 'NORTH' });
    const stage = byHolder['hcdl-dev-staging-stage'] ?? {};
    expect(readValidationPolicies({ defaultText: stage[SETTINGS.validationPolicy.env], bySourceText: stage[SETTINGS.validationPolicyBySource.env] })).toEqual(
      readValidationPolicies({ json: JSON.stringify(VALIDATION) }),
    );
  });

  it('sets none of them without a policies section (the functions keep the shipped policies)', () => {
    const plain = synthAll();
    try {
      expect(policyVariablesByHolder(plain.json)).toEqual({});
    } finally {
      plain.cleanup();
    }
  }, 60_000);
});

describe('policies section of the environment file', () => {
  it('reads a policy from a file beside the environment file, or inline', () => {
    const dir = envDir({ policies: { identity: 'identity.json', validation: { default: 'strict' } } }, { 'identity.json': JSON.stringify(IDENTITY, null, 2) });
    expect(load(dir).policies).toEqual({ identity: JSON.stringify(IDENTITY), validation: { default: 'strict', sources: {} } });
    expect(load(envDir({})).policies).toBeUndefined();
  });

  it('fails synth on a policy the functions would refuse, naming where it is and what is wrong', () => {
    expect(() => synthAll({}, { envFile: { policies: { identity: { defaults: { linkTypes: 'MR' } } } } })).toThrow(
      /[/\\]dev\.json: policies\.identity: identity policy: defaults\.linkTypes must be a list of text$/,
    );
    expect(() =>
      synthAll(
        {},
        { envFile: { policies: { validation: 'v/validation.json' } }, besideEnvFile: { 'v/validation.json': '{ "sources": { "lab": "relaxed" } }' } },
      ),
    ).toThrow(/[/\\]v[/\\]validation\.json \(policies\.validation of .*[/\\]dev\.json\): the policy of source lab must be one of lenient, standard, strict$/);
    const notJson = envDir({ policies: { identity: 'identity.json' } }, { 'identity.json': '{ "defaults": ' });
    const real = realpathSync(notJson);
    expect(() => load(notJson)).toThrow(InfraConfigError);
    expect(() => load(notJson)).toThrow(
      `${path.join(real, 'identity.json')} (policies.identity of ${path.join(notJson, 'dev.json')}): identity policy is not valid JSON`,
    );
    expect(() => load(envDir({ policies: { identity: { sources: { north: { linkType: ['MR'] } } } } }))).toThrow(/unknown setting sources\.north\.linkType$/);
    expect(() => load(envDir({ policies: { validation: { default: 7 } } }))).toThrow(
      /policies\.validation: the file's "default" must be one of lenient, standard, strict$/,
    );
    expect(() => load(envDir({ policies: { validation: ['strict'] } }))).toThrow(/dev\.json: policies\.validation/);
    expect(() => load(envDir({ policies: { banner: 'x' } }))).toThrow(/dev\.json: policies: Unrecognized key/);
  }, 60_000);

  it('reads policy files only from the environment folder', () => {
    const outside = envDir({});
    writeFileSync(path.join(outside, 'identity.json'), JSON.stringify(IDENTITY));
    const dir = envDir({ policies: { identity: `../${path.basename(outside)}/identity.json` } });
    expect(() => load(dir)).toThrow(/policies\.identity must name a file in .*, got "\.\.\//);
    const linked = envDir({ policies: { identity: 'link.json' } });
    symlinkSync(path.join(outside, 'identity.json'), path.join(linked, 'link.json'));
    expect(() => load(linked)).toThrow(/policies\.identity must name a file in .*, got "link\.json"$/);
    expect(() => load(envDir({ policies: { identity: 'missing.json' } }))).toThrow(/policies\.identity names .*missing\.json, which does not exist$/);
    expect(() => load(envDir({ policies: { validation: 'sub' } }, { 'sub/validation.json': '{}' }))).toThrow(
      /[/\\]sub \(policies\.validation of .*dev\.json\): cannot be read \(EISDIR\)$/,
    );
  });

  it('refuses an identity policy too large for a Lambda environment', () => {
    const placeholders = Array.from({ length: 400 }, (_, i) => `PLACEHOLDER-${String(i)}`);
    expect(JSON.stringify({ defaults: { placeholders } }).length).toBeGreaterThan(MAX_IDENTITY_POLICY_BYTES);
    expect(() => load(envDir({ policies: { identity: { defaults: { placeholders } } } }))).toThrow(
      /policies\.identity: the identity policy is \d+ bytes as JSON; a Lambda's environment holds 4 KB in all, so it must stay within 3072$/,
    );
  });
});
