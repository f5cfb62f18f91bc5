/**
 * scripts/smoke.mjs (what the deploy pipeline runs after each deploy, `pnpm smoke`) against a
 * real lake: the local lake on a free port, with tokens of its dev issuer.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO, startTestLake, type TestLake } from './support/harness';

const SCRIPT = path.join(REPO, 'scripts', 'smoke.mjs');

/** `node scripts/smoke.mjs <args>` with the token in the environment. */
function runSmoke(args: string[], token: string | undefined): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.HCDL_SMOKE_TOKEN;
  if (token !== undefined) env.HCDL_SMOKE_TOKEN = token;
  const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

let lake: TestLake;
beforeAll(async () => {
  lake = await startTestLake();
});
afterAll(async () => {
  await lake.close();
});

describe('scripts/smoke.mjs against the local lake', () => {
  it('posts (201), posts again (409, same id), reads back, sees the message staged, reads its staging JSON and finds it by a query', async () => {
    const token = await lake.token({ write: 'smoke', read: 'smoke' });
    const run = await runSmoke(['--api', lake.url, '--timeout', '90'], token);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('smoke health: ok');
    expect(lines[1]).toMatch(/^smoke posted: 201, message [0-9A-HJKMNP-TV-Z]{26}$/);
    expect(lines[2]).toBe('smoke duplicate: 409, same message');
    expect(lines[3]).toMatch(/^smoke staged: after \d+\.\d s$/);
    expect(lines[4]).toBe('smoke staging JSON: read back');
    expect(lines[5]).toMatch(/^smoke query: listed among \d+ message\(s\)$/);
    expect(lines[6]).toBe('smoke: passed');
    // the message really is in the lake, staged, under the token's source
    const id = /message (\S+)$/.exec(lines[1] ?? '')?.[1] as string;
    const res = await fetch(`${lake.url}/hl7v2/messages/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'staged', source: 'smoke', messageType: 'ADT^A04' });
  }, 120_000);

  it('passes again on the next deploy: every run posts a message of its own', async () => {
    const token = await lake.token({ write: 'smoke', read: 'smoke' });
    const run = await runSmoke(['--api', `${lake.url}/`, '--source', 'smoke'], token);
    expect([run.code, run.stderr]).toEqual([0, '']);
  }, 120_000);

  it('fails naming the step when the token may not write', async () => {
    const readOnly = await lake.token({ read: 'smoke' });
    const run = await runSmoke(['--api', lake.url], readOnly);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^smoke: FAILED: POST \/hl7v2\/er7: expected 201, got 403/);
  }, 120_000);

  it('--upload needs the upload path, which only the AWS front door serves: the local lake fails that step by name', async () => {
    const token = await lake.token({ write: 'smoke', read: 'smoke' });
    const run = await runSmoke(['--api', lake.url, '--upload'], token);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('smoke query: listed');
    expect(run.stderr.trim()).toBe('smoke: FAILED: POST /hl7v2/uploads: expected 201, got 404 (NOT_FOUND)');
  }, 120_000);

  it('refuses to run without a token in the environment', async () => {
    const run = await runSmoke(['--api', lake.url], undefined);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HCDL_SMOKE_TOKEN is not set');
  }, 60_000);
});
