import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { FIXTURE_BUNDLES } from './support/fixtures';

// The entry point exactly as `pnpm synth` / `cdktf synth` run it (tsx src/main.ts), in a
// scratch working directory, on the stand-in bundles (HCDL_BUNDLES_DIR).
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const main = path.resolve(import.meta.dirname, '../src/main.ts');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function runMain(env: Record<string, string>) {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'hcdl-main-'));
  temps.push(cwd);
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('HCDL_') && !k.startsWith('TF_STATE_') && k !== 'CDKTF_CONTEXT_JSON'),
  );
  const result = spawnSync(process.execPath, [tsxCli, main], {
    cwd,
    encoding: 'utf8',
    env: { ...clean, CHECKPOINT_DISABLE: '1', HCDL_BUNDLES_DIR: FIXTURE_BUNDLES.functionsRoot, AWS_REGION: 'eu-west-1', ...env },
  });
  return { ...result, cwd };
}

describe('synth entry point', () => {
  it('writes cdktf.out/stacks/{core,front-door,staging,landing,analytics} as Terraform JSON with their assets, offline', () => {
    const run = runMain({ HCDL_ENV: 'prod', TF_STATE_BUCKET: 'tf-state' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('HCDL prod (eu-west-1): synthesized');
    const stacksDir = path.join(run.cwd, 'cdktf.out', 'stacks');
    expect(readdirSync(stacksDir).sort()).toEqual(['analytics', 'core', 'front-door', 'landing', 'refined', 'staging']);
    type Stack = { resource: Record<string, Record<string, { name?: string; function_name?: string; filename?: string }>> };
    const read = (stack: string) => JSON.parse(readFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as Stack;
    const core = read('core');
    expect(Object.values(core.resource.aws_dynamodb_table ?? {}).map((t) => t.name)).toContain('hcdl-prod-catalog');
    expect(core.resource.aws_lambda_function).toBeUndefined();
    // each function's zipped bundle is written beside the stack that deploys it
    const deployed = ['front-door', 'staging', 'landing'].flatMap((stack) =>
      Object.values(read(stack).resource.aws_lambda_function ?? {}).map((f) => [stack, f] as const),
    );
    expect(deployed.map(([, f]) => f.function_name).sort()).toEqual([
      'hcdl-prod-core-writer',
      'hcdl-prod-front-door',
      'hcdl-prod-landing',
      'hcdl-prod-query-api',
      'hcdl-prod-staging-stage',
      'hcdl-prod-sweeper',
    ]);
    for (const [stack, f] of deployed) expect([f.function_name, existsSync(path.join(stacksDir, stack, String(f.filename)))]).toEqual([f.function_name, true]);
    expect(existsSync(path.join(run.cwd, 'cdktf.out', 'manifest.json'))).toBe(true);
  }, 60_000);

  it('takes the environment from the cdktf context when HCDL_ENV is unset', () => {
    const run = runMain({ CDKTF_CONTEXT_JSON: JSON.stringify({ hcdlEnv: 'prod' }), TF_STATE_BUCKET: 'tf-state' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('HCDL prod');
  }, 60_000);

  it('exits 1 with the reason and no stack trace on a bad configuration', () => {
    const run = runMain({ HCDL_ENV: 'dev-eu' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'hcdl infra: HCDL_ENV must match ^[a-z][a-z0-9]{1,11}$ (a lower-case letter, then 1-11 lower-case letters or digits), got "dev-eu"',
    );
    expect(existsSync(path.join(run.cwd, 'cdktf.out', 'stacks', 'core', 'cdk.tf.json'))).toBe(false);
  }, 60_000);

  it('refuses to synthesize prod on local state', () => {
    const run = runMain({ HCDL_ENV: 'prod' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'hcdl infra: environment "prod" is protected and needs remote state: set TF_STATE_BUCKET (or "stateBackend" in infra/env/prod.json); local state is refused',
    );
    expect(existsSync(path.join(run.cwd, 'cdktf.out', 'stacks', 'core', 'cdk.tf.json'))).toBe(false);
  }, 60_000);
});
