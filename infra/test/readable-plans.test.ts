import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { App } from 'cdktf';
import { loadInfraConfig } from '../src/env';
import { isSecretAttribute, LakeStack } from '../src/stacks/lake-stack';
import { policyDocuments } from './support/policies';
import { resourcesOf, synthAll, TEST_ENV, type SynthResult, type TfJson } from './support/synth';

/** `${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>}` */
const REMOTE_OUTPUT = /\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)\}/g;

interface RemoteRef {
  where: string;
  stack: string;
  output: string;
}

function remoteRefs(where: string, value: unknown): RemoteRef[] {
  return [...JSON.stringify(value).matchAll(REMOTE_OUTPUT)].map((m) => ({ where, stack: m[1] as string, output: m[2] as string }));
}

/** Every remote-state output used by an IAM policy document or a Lambda environment, in every stack. */
function reviewedRefs(stacks: Record<string, TfJson>): RemoteRef[] {
  const refs = policyDocuments(stacks).flatMap((p) => remoteRefs(`${p.stack}: ${p.address}`, p.statements));
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [id, fn] of Object.entries(resourcesOf(json, 'aws_lambda_function')))
      refs.push(...remoteRefs(`${stack}: aws_lambda_function.${id}.environment`, fn.environment));
  }
  return refs;
}

let synth: SynthResult;
beforeAll(() => {
  synth = synthAll();
});
const temps: string[] = [];
afterAll(() => {
  synth.cleanup();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('plans a reviewer can read', () => {
  it('IAM policies and Lambda settings built from core are not hidden as sensitive values', () => {
    const refs = reviewedRefs(synth.json);
    // the check is not vacuous: the consumers' policies and environments do use core's outputs
    expect(refs.length).toBeGreaterThan(40);
    expect(new Set(refs.map((r) => r.stack))).toEqual(new Set(['core']));
    const hidden = refs.filter((r) => {
      const output = synth.json[r.stack as 'core'].output?.[r.output] as { sensitive?: boolean } | undefined;
      if (output === undefined) throw new Error(`${r.where} uses ${r.stack}.${r.output}, which is not an output`);
      return output.sensitive === true;
    });
    expect(hidden).toEqual([]);
  });

  it('no stack marks any output sensitive: none of them is a secret', () => {
    for (const [stack, json] of Object.entries(synth.json)) {
      const sensitive = Object.entries(json.output ?? {}).filter(([, o]) => (o as { sensitive?: boolean }).sensitive === true);
      expect([stack, sensitive]).toEqual([stack, []]);
    }
  });

  it('a secret attribute passed to another stack keeps the sensitive mark', () => {
    expect(isSecretAttribute('aws_iam_access_key.ci.secret')).toBe(true);
    expect(isSecretAttribute('aws_iam_access_key.ci.ses_smtp_password_v4')).toBe(true);
    expect(isSecretAttribute('aws_s3_bucket.lake_bucket_7B773D1A.arn')).toBe(false);
    // names and ids of resources are not secrets, even when the resource is called "secret"
    expect(isSecretAttribute('aws_secretsmanager_secret.db_secret.arn')).toBe(false);

    const outdir = mkdtempSync(path.join(os.tmpdir(), 'hcdl-secret-'));
    temps.push(outdir);
    const app = new App({ outdir, stackTraces: false });
    const config = loadInfraConfig({ environment: { ...TEST_ENV } });
    const producer = new LakeStack(app, 'producer', config);
    const key = new IamAccessKey(producer, 'key', { user: new IamUser(producer, 'user', { name: 'u' }).name });
    const consumer = new LakeStack(app, 'consumer', config);
    new SsmParameter(consumer, 'copy', { name: 'p', type: 'SecureString', value: key.secret, description: key.id });
    app.synth();
    const outputs = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'producer', 'cdk.tf.json'), 'utf8')).output as Record<string, { sensitive?: boolean }>;
    const flags = Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name.replace(/_[0-9A-F]{8}/, ''), o.sensitive]));
    expect(flags).toEqual({ 'cross-stack-output-aws_iam_access_keykeysecret': true, 'cross-stack-output-aws_iam_access_keykeyid': false });
  });
});
