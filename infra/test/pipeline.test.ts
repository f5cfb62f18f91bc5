/**
 * The delivery pipeline: the GitHub workflows parse, every command they run exists (root and
 * workspace scripts, files, infra-pipeline subcommands), every third-party action is pinned to a
 * commit, and the release flow is the documented one (build once, dev then prod with the same
 * bundles and an approval, OIDC, smoke test after deploy, plans on pull requests, drift on a
 * schedule). Then scripts/infra-pipeline.mjs runs here as far as it can without AWS: synth,
 * drift against a stand-in terraform, and the outputs of a deploy.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { FIXTURE_BUNDLES } from './support/fixtures';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const workflowsDir = path.join(repoRoot, '.github', 'workflows');
const PIPELINE = path.join(repoRoot, 'scripts', 'infra-pipeline.mjs');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
}
interface Job {
  'runs-on'?: string;
  uses?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  strategy?: { matrix?: { include?: Record<string, string>[] } };
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

let workflows: Record<string, Workflow>;
let pipelineCommands: readonly string[];
const temps: string[] = [];

beforeAll(async () => {
  workflows = {};
  for (const file of readdirSync(workflowsDir).filter((f) => f.endsWith('.yml'))) {
    const doc = parseDocument(readFileSync(path.join(workflowsDir, file), 'utf8'));
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    workflows[file] = doc.toJS() as Workflow;
  }
  pipelineCommands = ((await import(pathToFileURL(PIPELINE).href)) as { COMMANDS: string[] }).COMMANDS;
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps ?? []);
const runsOf = (job: Job) => (job.steps ?? []).flatMap((s) => (s.run === undefined ? [] : [s.run]));

/**
 * The simple commands of a `run:` script: lines, `&&`, `;`, `|` and `$( … )` split apart,
 * leading VAR=value assignments dropped; each as its words (quotes removed).
 */
function commandsOf(script: string): string[][] {
  const out: string[][] = [];
  const pieces: string[] = [];
  const walk = (text: string) => {
    let depth = 0;
    let start = 0;
    let current = '';
    for (let i = 0; i < text.length; i++) {
      if (text.startsWith('$(', i)) {
        if (depth === 0) {
          current += text.slice(start, i);
          start = i + 2;
        }
        depth++;
        i++;
      } else if (text[i] === ')' && depth > 0) {
        depth--;
        if (depth === 0) {
          walk(text.slice(start, i));
          current += 'SUBST';
          start = i + 1;
        }
      }
    }
    pieces.push(current + text.slice(start));
  };
  walk(script);
  for (const piece of pieces) {
    for (const part of piece.split(/\n|&&|;|\|\||\|/)) {
      const words = (part.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ''));
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) words.shift();
      if (words.length > 0 && !(words[0] === '>>' || (words[0] as string).startsWith('"$GITHUB'))) out.push(words);
    }
  }
  return out;
}

/** Shell builtins and tools of the runner image the workflows may use besides our scripts. */
const SHELL = new Set(['echo', 'export', 'dirname', 'command']);
const rootScripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** What is wrong with one command of a workflow (undefined: it exists). */
function problemWith(words: string[]): string | undefined {
  const [tool, ...args] = words;
  if (tool === undefined || SHELL.has(tool) || tool === 'SUBST') return undefined;
  if (tool === 'pnpm') {
    const rest = args.filter((a) => a !== '-s' && a !== '--silent');
    const script = rest[0] === 'run' ? rest[1] : rest[0];
    return script !== undefined && rootScripts[script] !== undefined ? undefined : `pnpm ${script}: no such script in package.json`;
  }
  if (tool === 'node' || tool === 'bash') {
    const file = args[0] as string;
    if (!existsSync(path.join(repoRoot, file))) return `${tool} ${file}: no such file`;
    if (file === 'scripts/infra-pipeline.mjs' && !pipelineCommands.includes(args[1] as string)) return `${file} has no command ${args[1]}`;
    return undefined;
  }
  return `${tool}: not a command the pipeline may call (add it to the checks if it should be)`;
}

describe('workflow files', () => {
  it('are the documented four and parse as YAML', () => {
    expect(Object.keys(workflows).sort()).toEqual(['deploy-environment.yml', 'deploy.yml', 'drift.yml', 'pull-request.yml']);
    for (const [file, wf] of Object.entries(workflows)) {
      expect([file, typeof wf.name, typeof wf.on, Object.keys(wf.jobs).length > 0]).toEqual([file, 'string', 'object', true]);
      for (const [id, job] of Object.entries(wf.jobs)) expect([file, id, job['runs-on'] !== undefined || job.uses !== undefined]).toEqual([file, id, true]);
    }
  });

  it('call only scripts and files that exist', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [file, wf] of Object.entries(workflows)) {
      for (const step of steps(wf)) {
        for (const command of commandsOf(step.run ?? '')) {
          checked++;
          const problem = problemWith(command);
          if (problem !== undefined) problems.push(`${file}: ${problem}`);
        }
      }
      for (const job of Object.values(wf.jobs))
        if (job.uses?.startsWith('./') && !existsSync(path.join(repoRoot, job.uses))) problems.push(`${file}: ${job.uses} does not exist`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    // the checker itself catches what it should
    expect(problemWith(['pnpm', 'deploy-everything'])).toMatch(/no such script/);
    expect(problemWith(['node', 'scripts/missing.mjs'])).toMatch(/no such file/);
    expect(problemWith(['node', 'scripts/infra-pipeline.mjs', 'apply'])).toMatch(/has no command apply/);
    expect(problemWith(['curl', 'https://example.org'])).toMatch(/not a command/);
    expect(commandsOf('API=$(node scripts/a.mjs output --x "$Y")\nexport API && pnpm smoke --api "$API"')).toEqual([
      ['node', 'scripts/a.mjs', 'output', '--x', '$Y'],
      ['export', 'API'],
      ['pnpm', 'smoke', '--api', '$API'],
    ]);
  });

  it('pin every third-party action to a full commit', () => {
    const actions = Object.values(workflows).flatMap((wf) => steps(wf).flatMap((s) => (s.uses === undefined ? [] : [s.uses])));
    expect(actions.length).toBeGreaterThan(10);
    for (const uses of actions) expect(uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });
});

describe('the release flow', () => {
  it('deploy: one build, dev then prod with those bundles, each through the environment job', () => {
    const deploy = workflows['deploy.yml'] as Workflow;
    expect(Object.keys(deploy.on)).toEqual(expect.arrayContaining(['push', 'workflow_dispatch']));
    const { build, dev, prod } = deploy.jobs as Record<string, Job>;
    expect(runsOf(build as Job)).toEqual(expect.arrayContaining(['pnpm test', 'pnpm build']));
    expect((build?.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with).toMatchObject({
      name: 'lambda-bundles',
      path: 'functions/*/dist/',
    });
    expect(dev).toMatchObject({ needs: 'build', uses: './.github/workflows/deploy-environment.yml', with: { environment: 'dev' } });
    expect(prod).toMatchObject({ needs: 'dev', uses: './.github/workflows/deploy-environment.yml', with: { environment: 'prod' } });
    // nothing but the build job builds: what prod runs is what dev ran
    const builds = Object.entries(workflows).flatMap(([file, wf]) =>
      Object.entries(wf.jobs).flatMap(([id, job]) => (runsOf(job).some((r) => /pnpm (run )?(build|bundle)\b/.test(r)) ? [`${file}:${id}`] : [])),
    );
    expect(builds.sort()).toEqual(['deploy.yml:build', 'drift.yml:drift', 'pull-request.yml:verify']);
  });

  it('an environment deploy: the GitHub environment (prod: its required reviewers), OIDC, the built bundles, deploy, then the smoke test', () => {
    const job = (workflows['deploy-environment.yml'] as Workflow).jobs.deploy as Job;
    expect(job.environment).toBe('${{ inputs.environment }}');
    expect((workflows['deploy-environment.yml'] as Workflow).permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const all = job.steps ?? [];
    const at = (test: (s: Step) => boolean) => all.findIndex(test);
    const download = at((s) => s.uses?.startsWith('actions/download-artifact@') === true);
    const credentials = all.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const deploy = at((s) => s.run?.includes('infra-pipeline.mjs deploy') === true);
    const smoke = at((s) => s.run?.includes('pnpm smoke') === true);
    expect(all[download]?.with).toEqual({ name: 'lambda-bundles', path: job.env?.HCDL_BUNDLES_DIR });
    expect(Object.keys(credentials?.with ?? {}).sort()).toEqual(['aws-region', 'role-session-name', 'role-to-assume']);
    expect(download).toBeGreaterThanOrEqual(0);
    expect(deploy).toBeGreaterThan(download);
    expect(smoke).toBeGreaterThan(deploy);
    expect(all[smoke]?.run).toContain('scripts/cognito-token.mjs');
    // no long-lived AWS keys anywhere
    expect(JSON.stringify(workflows)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
  });

  it('pull requests plan every environment that has a file, with the bundles of the verify job', () => {
    const pr = workflows['pull-request.yml'] as Workflow;
    const plan = pr.jobs.plan as Job;
    const envs = (plan.strategy?.matrix?.include ?? []).map((e) => e.env);
    const files = readdirSync(path.join(repoRoot, 'infra', 'env')).map((f) => f.replace(/\.json$/, ''));
    expect(envs.sort()).toEqual(files.sort());
    expect(plan.needs).toBe('verify');
    expect(runsOf(plan)).toContain('node scripts/infra-pipeline.mjs diff --env ${{ matrix.env }}');
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(runsOf(pr.jobs.verify as Job)).toEqual(expect.arrayContaining(['pnpm -s typecheck', 'pnpm test', 'pnpm build']));
  });

  it('drift runs on a schedule for every environment', () => {
    const drift = workflows['drift.yml'] as Workflow;
    expect(drift.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }]);
    const job = drift.jobs.drift as Job;
    expect((job.strategy?.matrix?.include ?? []).map((e) => e.env).sort()).toEqual(['dev', 'prod']);
    expect(runsOf(job)).toContain('node scripts/infra-pipeline.mjs drift --env ${{ matrix.env }}');
  });
});

/** `node scripts/infra-pipeline.mjs <args>` from the repository root. */
function pipeline(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HCDL_') && !k.startsWith('TF_STATE_') && k !== 'CDKTF_OUTDIR'));
  return spawnSync(process.execPath, [PIPELINE, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...clean, AWS_REGION: 'eu-west-1', HCDL_BUNDLES_DIR: path.relative(repoRoot, FIXTURE_BUNDLES.functionsRoot), ...env },
  });
}
function scratch(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcdl-pipeline-'));
  temps.push(dir);
  return dir;
}

describe('scripts/infra-pipeline.mjs, offline', () => {
  it('synth: the environment from prebuilt bundles (a relative HCDL_BUNDLES_DIR), stacks in dependency order', () => {
    const out = scratch();
    const run = pipeline(['synth', '--env', 'qa', '--outdir', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('HCDL qa (eu-west-1): synthesized 6 stacks');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('synthesized qa: core, analytics, front-door, landing, refined, staging');
    expect(existsSync(path.join(out, 'stacks', 'front-door', 'cdk.tf.json'))).toBe(true);
  }, 120_000);

  it('drift: init and plan -detailed-exitcode in every stack; exit 2 naming the stacks that differ', () => {
    const out = scratch();
    const log = path.join(out, 'terraform.log');
    const fake = path.join(out, 'terraform');
    // Stands in for terraform: records its calls; the front-door plan finds a difference.
    writeFileSync(
      fake,
      [
        '#!/usr/bin/env node',
        "const fs = require('node:fs'); const path = require('node:path');",
        `fs.appendFileSync(${JSON.stringify(log)}, path.basename(process.cwd()) + ' ' + process.argv.slice(2).join(' ') + '\\n');`,
        "process.exit(process.argv[2] === 'plan' && path.basename(process.cwd()) === 'front-door' ? 2 : 0);",
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
    const run = pipeline(['drift', '--env', 'qa', '--outdir', out], { TERRAFORM_BINARY_NAME: fake });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('infra-pipeline: drift in qa: front-door differ from the code');
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toEqual(
      ['core', 'analytics', 'front-door', 'landing', 'refined', 'staging'].flatMap((stack) => [
        `${stack} init -input=false -no-color`,
        `${stack} plan -detailed-exitcode -lock=false -input=false -no-color`,
      ]),
    );
    const clean = pipeline(['drift', '--env', 'qa', '--outdir', out, '--stacks', 'core,staging'], { TERRAFORM_BINARY_NAME: fake });
    expect([clean.status, clean.stdout.trim().split('\n').at(-1)]).toEqual([0, 'no drift in qa: core, staging']);
  }, 180_000);

  it('output: one value of the outputs file the deploy step writes; refuses unknown commands', () => {
    const out = scratch();
    writeFileSync(
      path.join(out, 'outputs.json'),
      JSON.stringify({ 'front-door': { api_url: 'https://abc.execute-api.eu-west-1.amazonaws.com', user_pool_id: 'eu-west-1_X' } }),
    );
    const run = pipeline(['output', '--env', 'dev', '--outdir', out, '--stack', 'front-door', '--name', 'api_url']);
    expect([run.status, run.stdout]).toEqual([0, 'https://abc.execute-api.eu-west-1.amazonaws.com\n']);
    const missing = pipeline(['output', '--env', 'dev', '--outdir', out, '--stack', 'front-door', '--name', 'nope']);
    expect([missing.status, missing.stderr.trim()]).toEqual([1, `infra-pipeline: stack front-door has no output nope in ${path.join(out, 'outputs.json')}`]);
    const unknown = pipeline(['apply', '--env', 'dev']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('usage: node scripts/infra-pipeline.mjs <synth|diff|deploy|drift|output>');
  }, 60_000);

  it('refuses prod without remote state, as the app does', () => {
    const run = pipeline(['synth', '--env', 'prod', '--outdir', scratch()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('environment "prod" is protected and needs remote state');
  }, 120_000);
});
