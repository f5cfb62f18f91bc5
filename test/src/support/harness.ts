import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalLake, readConfig, startServer, openDevIssuer, type LocalLake, type RunningServer } from '@hcdl/local';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const CORPUS = path.join(REPO, 'test/fixtures/corpus');

/** Environment of a test lake: free port, its own data folder, no log output. */
export function lakeEnv(dataDir: string): NodeJS.ProcessEnv {
  return { HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PUBLIC_URL: 'http://localhost:8080' };
}

export interface TestLake {
  url: string;
  dataDir: string;
  lake: LocalLake;
  token(claims: { sub?: string; write?: string; read?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Options of openLocalLake (e.g. a replaced staging step). */
export type LakeOptions = NonNullable<Parameters<typeof openLocalLake>[1]>;

export interface TestLakeOptions {
  /** Open this data folder instead of a fresh temp one (e.g. to restart a lake). */
  dataDir?: string;
  /** Keep the data folder on close (default: removed). */
  keepData?: boolean;
  lake?: LakeOptions;
}

/** A lake on a temp folder, started in this process, with the HTTP server on a free port. */
export async function startTestLake(options: TestLakeOptions = {}): Promise<TestLake> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'hcdl-e2e-')));
  const lake = await openLocalLake(readConfig(lakeEnv(dataDir)), options.lake);
  const server: RunningServer = await startServer(lake);
  return {
    url: server.url,
    dataDir,
    lake,
    token: (c) => (lake.devIssuer as NonNullable<LocalLake['devIssuer']>).sign({ sub: c.sub ?? 'tester', ...c }),
    async close() {
      await server.close();
      await lake.idle();
      await lake.close();
      if (options.keepData !== true) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A token signed with the dev issuer keys of a data folder (for a lake in a child process). */
export async function tokenFor(dataDir: string, claims: { sub?: string; write?: string; read?: string }): Promise<string> {
  const config = readConfig(lakeEnv(dataDir));
  const issuer = await openDevIssuer(dataDir, config.oidc.issuer, config.oidc.audience);
  return issuer.sign({ sub: claims.sub ?? 'tester', ...claims });
}

export interface PostOptions {
  token?: string;
  contentType?: string;
  accept?: string;
  query?: string;
}

export async function post(url: string, body: Uint8Array | string, o: PostOptions = {}): Promise<{ status: number; body: string; json: () => any }> {
  const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/hl7-v2' };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.accept !== undefined) headers.accept = o.accept;
  const res = await fetch(`${url}/hl7v2/er7${o.query ?? ''}`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text, json: () => JSON.parse(text) };
}

export async function getJson(url: string, pathName: string, token?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${pathName}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, json: await res.json() };
}

/** Every item of a paged list route (`{ items, cursor? }`), following cursors. */
export async function getAllItems(url: string, pathName: string, token: string, maxPages = 1000): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const sep = pathName.includes('?') ? '&' : '?';
    const r = await getJson(url, cursor === undefined ? pathName : `${pathName}${sep}cursor=${encodeURIComponent(cursor)}`, token);
    if (r.status !== 200) throw new Error(`GET ${pathName} answered ${r.status}`);
    items.push(...r.json.items);
    cursor = r.json.cursor;
    if (cursor === undefined) return items;
  }
  throw new Error(`GET ${pathName}: more than ${maxPages} pages`);
}

/** `pnpm hcdl <args>` in a child process (tsx) on a data folder; resolves with its exit code and output. */
export async function runCli(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'packages/local/src/cli/main.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, ...lakeEnv(dataDir), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/**
 * Stops a child process and resolves once it has exited (SIGKILL when it outlives
 * `graceMs`), so nothing writes into a folder a test is about to remove.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Removes a test folder; retries the transient ENOTEMPTY/EBUSY a just-stopped writer can leave. */
export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

/** `hcdl serve` in a child process (tsx), resolved once it listens; for crash tests. */
export async function spawnLake(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'packages/local/src/cli/main.ts'), 'serve'], {
    cwd: REPO,
    env: { ...process.env, ...lakeEnv(dataDir), ...extraEnv, NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    // Generous: tsx compiles the CLI on start, which takes seconds on a busy machine.
    const timer = setTimeout(() => reject(new Error(`lake did not start: ${err}`)), 120_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lake exited with ${code}: ${err}`));
    });
  });
  return { child, url };
}
