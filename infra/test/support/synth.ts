import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'cdktf';
import { buildStacks, MLLP_STACK, StackName, type HcdlStacks } from '../../src/app';
import { loadInfraConfig } from '../../src/env';
import { FIXTURE_BUNDLES } from './fixtures';

/** A synthesized stack: the cdk.tf.json Terraform reads. */
export interface TfJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  [key: string]: unknown;
}

export type StackId = (typeof StackName)[keyof typeof StackName] | typeof MLLP_STACK;

export interface SynthResult {
  stacks: HcdlStacks;
  json: Record<StackId, TfJson>;
  /** The synthesized JSON text of a stack (what Testing.toHaveResourceWithProperties takes). */
  text(stack: StackId): string;
  outdir: string;
  cleanup(): void;
}

export { FIXTURE_BUNDLES };

/** Default test environment: dev in eu-west-1, local state. */
export const TEST_ENV = { HCDL_ENV: 'dev', AWS_REGION: 'eu-west-1' } as const;

/**
 * Synthesizes every stack into a temp cdktf.out, as `pnpm synth` does, and reads the JSON back.
 * `envFile`: the environment's file (infra/env/<name>.json) to synthesize with, instead of the repository's;
 * `besideEnvFile`: more files of that folder (e.g. policies the file names), by relative path.
 */
export function synthAll(
  environment: Record<string, string> = {},
  options: { envFile?: Record<string, unknown>; besideEnvFile?: Record<string, string> } = {},
): SynthResult {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'hcdl-infra-'));
  const app = new App({ outdir, stackTraces: false });
  const vars = { ...TEST_ENV, ...environment };
  let envDir: string | undefined;
  if (options.envFile !== undefined) {
    envDir = path.join(outdir, 'env');
    mkdirSync(envDir);
    writeFileSync(path.join(envDir, `${vars.HCDL_ENV}.json`), JSON.stringify(options.envFile));
    for (const [name, text] of Object.entries(options.besideEnvFile ?? {})) {
      mkdirSync(path.dirname(path.join(envDir, name)), { recursive: true });
      writeFileSync(path.join(envDir, name), text);
    }
  }
  let stacks: HcdlStacks;
  try {
    const config = loadInfraConfig({ environment: vars, ...(envDir !== undefined ? { envDir } : {}) });
    stacks = buildStacks(app, config, FIXTURE_BUNDLES);
    app.synth();
  } catch (err) {
    // A refused configuration leaves no scratch folder behind.
    rmSync(outdir, { recursive: true, force: true });
    throw err;
  }
  const texts = {} as Record<StackId, string>;
  const json = {} as Record<StackId, TfJson>;
  for (const id of [...Object.values(StackName), ...(stacks.mllp !== undefined ? [MLLP_STACK] : [])] as StackId[]) {
    texts[id] = readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8');
    json[id] = JSON.parse(texts[id]) as TfJson;
  }
  return { stacks, json, text: (id) => texts[id], outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** Every resource of a type in a stack, by its logical id. */
export function resourcesOf(stack: TfJson, type: string): Record<string, Record<string, unknown>> {
  return stack.resource?.[type] ?? {};
}

/** The only resource of a type whose properties include the given ones (fails otherwise). */
export function findResource(stack: TfJson, type: string, match: (r: Record<string, unknown>) => boolean): Record<string, unknown> {
  const found = Object.values(resourcesOf(stack, type)).filter(match);
  if (found.length !== 1) throw new Error(`expected exactly one ${type} matching, found ${found.length}`);
  return found[0] as Record<string, unknown>;
}

/** Terraform address of a resource, as other resources reference it: `${type.logicalId.attr}`. */
export function refTo(stack: TfJson, type: string, resource: Record<string, unknown>, attribute: string): string {
  const entry = Object.entries(resourcesOf(stack, type)).find(([, r]) => r === resource);
  if (entry === undefined) throw new Error(`${type} not found in stack`);
  return `\${${type}.${entry[0]}.${attribute}}`;
}
