#!/usr/bin/env node
// The infrastructure steps of the delivery pipeline, callable from any CI system (the GitHub
// workflows in .github/workflows call it) and from a terminal. Each step synthesizes the
// environment first (offline, from prebuilt bundles when HCDL_BUNDLES_DIR is set), then
// works on the stacks in dependency order read from cdktf.out/manifest.json.
//
//   node scripts/infra-pipeline.mjs synth  --env <name>   Terraform JSON of every stack (offline)
//   node scripts/infra-pipeline.mjs diff   --env <name>   `cdktf diff` of each stack (the plan a reviewer reads)
//   node scripts/infra-pipeline.mjs deploy --env <name>   `cdktf deploy` of every stack, outputs to <outdir>/outputs.json
//   node scripts/infra-pipeline.mjs drift  --env <name>   `terraform plan -detailed-exitcode` of each stack:
//                                                         exit 2 when the cloud differs from the code
//   node scripts/infra-pipeline.mjs output --env <name> --stack <stack> --name <output>
//                                                         one output of the last deploy (e.g. api_url)
//
// Options: --outdir <dir> (default infra/cdktf.out), --stacks a,b (default: all). Terraform is
// `terraform` on the PATH, or TERRAFORM_BINARY_NAME (the variable cdktf itself reads).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const infra = path.join(root, 'infra');

export const COMMANDS = ['synth', 'diff', 'deploy', 'drift', 'output'];

export class PipelineError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'PipelineError';
    this.exitCode = exitCode;
  }
}

function run(command, args, options) {
  console.log(`$ ${[path.basename(command), ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error !== undefined) throw new PipelineError(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

/** The infra app's environment: the pipeline's, with the environment name and the output folder. */
function appEnv(env, outdir) {
  const vars = {
    ...process.env,
    HCDL_ENV: env,
    CDKTF_OUTDIR: outdir,
    CHECKPOINT_DISABLE: '1',
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: process.env.CDKTF_DISABLE_PLUGIN_CACHE_ENV ?? '1',
  };
  // The app runs in infra/: a relative bundles folder is the caller's, resolve it here.
  if (vars.HCDL_BUNDLES_DIR) vars.HCDL_BUNDLES_DIR = path.resolve(vars.HCDL_BUNDLES_DIR);
  return vars;
}

/** Synthesizes the environment (tsx src/main.ts, as `pnpm synth` does); returns the stacks in dependency order. */
export function synth(env, outdir) {
  const tsx = createRequire(path.join(root, 'package.json')).resolve('tsx/cli');
  const status = run(process.execPath, [tsx, path.join(infra, 'src', 'main.ts')], { cwd: infra, env: appEnv(env, outdir) });
  if (status !== 0) throw new PipelineError(`synth of ${env} failed (exit ${status})`);
  return stackOrder(outdir);
}

/** Stack names of a synthesized app, each after the stacks it depends on. */
export function stackOrder(outdir) {
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = manifest.stacks;
  const ordered = [];
  const visit = (name, trail) => {
    if (ordered.includes(name)) return;
    if (trail.includes(name)) throw new PipelineError(`stack dependency cycle: ${[...trail, name].join(' -> ')}`);
    for (const dep of stacks[name]?.dependencies ?? []) visit(dep, [...trail, name]);
    ordered.push(name);
  };
  for (const name of Object.keys(stacks).sort()) visit(name, []);
  return ordered;
}

function selected(all, wanted) {
  if (wanted === undefined) return all;
  const names = wanted.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) throw new PipelineError(`unknown stack(s): ${unknown.join(', ')} (stacks: ${all.join(', ')})`);
  return all.filter((n) => names.includes(n));
}

function cdktf(args, env, outdir) {
  const bin = createRequire(path.join(infra, 'package.json')).resolve('cdktf-cli/bundle/bin/cdktf');
  return run(process.execPath, [bin, ...args, '--skip-synth', '--output', outdir], { cwd: infra, env: appEnv(env, outdir) });
}

/**
 * Drift: `terraform init` then `plan -detailed-exitcode` in each stack's folder (no lock, no
 * input). Plan exits 0 when the cloud matches, 2 when it differs, 1 on error. Resolves with the
 * stacks that drifted; throws when a stack could not be planned.
 */
export function drift(stacks, outdir, env = process.env) {
  const terraform = env.TERRAFORM_BINARY_NAME ?? 'terraform';
  const drifted = [];
  for (const stack of stacks) {
    const dir = path.join(outdir, 'stacks', stack);
    const opts = { cwd: dir, env };
    if (run(terraform, ['init', '-input=false', '-no-color'], opts) !== 0) throw new PipelineError(`${stack}: terraform init failed`);
    const status = run(terraform, ['plan', '-detailed-exitcode', '-lock=false', '-input=false', '-no-color'], opts);
    if (status === 2) drifted.push(stack);
    else if (status !== 0) throw new PipelineError(`${stack}: terraform plan failed (exit ${status})`);
  }
  return drifted;
}

/** One output of a stack from the outputs file the last deploy wrote. */
export function readOutput(outdir, stack, name) {
  const file = path.join(outdir, 'outputs.json');
  if (!existsSync(file)) throw new PipelineError(`${file} does not exist: run the deploy step first`);
  const value = JSON.parse(readFileSync(file, 'utf8'))[stack]?.[name];
  if (value === undefined) throw new PipelineError(`stack ${stack} has no output ${name} in ${file}`);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { env: { type: 'string' }, outdir: { type: 'string' }, stacks: { type: 'string' }, stack: { type: 'string' }, name: { type: 'string' } },
  });
  const command = positionals[0];
  if (!COMMANDS.includes(command) || values.env === undefined) {
    throw new PipelineError(`usage: node scripts/infra-pipeline.mjs <${COMMANDS.join('|')}> --env <name> [--outdir <dir>] [--stacks a,b]`);
  }
  const env = values.env;
  const outdir = path.resolve(values.outdir ?? path.join(infra, 'cdktf.out'));
  if (command === 'output') {
    if (values.stack === undefined || values.name === undefined) throw new PipelineError('output needs --stack and --name');
    process.stdout.write(`${readOutput(outdir, values.stack, values.name)}\n`);
    return;
  }
  const stacks = selected(synth(env, outdir), values.stacks);
  if (command === 'synth') {
    console.log(`synthesized ${env}: ${stacks.join(', ')}`);
  } else if (command === 'diff') {
    for (const stack of stacks) if (cdktf(['diff', stack], env, outdir) !== 0) throw new PipelineError(`cdktf diff ${stack} failed`);
  } else if (command === 'deploy') {
    const status = cdktf(['deploy', ...stacks, '--auto-approve', '--outputs-file', path.join(outdir, 'outputs.json')], env, outdir);
    if (status !== 0) throw new PipelineError(`cdktf deploy failed (exit ${status})`);
  } else {
    const drifted = drift(stacks, outdir, appEnv(env, outdir));
    if (drifted.length > 0) throw new PipelineError(`drift in ${env}: ${drifted.join(', ')} differ from the code`, 2);
    console.log(`no drift in ${env}: ${stacks.join(', ')}`);
  }
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`infra-pipeline: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = err instanceof PipelineError ? err.exitCode : 1;
  }
}
