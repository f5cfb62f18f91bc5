import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../../..');

/** A server in a child process, as the benchmark drives it. */
export interface Child {
  process: ChildProcess;
  url: string;
  /** The MLLP port, when the lake listens for MLLP. */
  mllpPort?: number;
  /** Resident memory of the process now, in bytes (threads included). */
  rss(): number;
  stop(): Promise<void>;
}

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

/** Spawns `node --import tsx <script> <args>` and resolves once it prints `listening on <url>`. */
async function spawnServer(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Child> {
  // BENCH_NODE_ARGS: extra node flags for the servers (e.g. `--cpu-prof` while profiling).
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', script, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    // Logs go nowhere (a pipe nobody reads would stall the server); stderr says where it listens.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const started = await new Promise<{ url: string; mllpPort?: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(script)} did not start: ${err}`)), 180_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(err)?.[1];
      const wantsMllp = env.HCDL_MLLP_PORT !== undefined;
      const mllp = /MLLP listener on \S+:(\d+)/.exec(err)?.[1];
      if (url !== undefined && (!wantsMllp || mllp !== undefined)) {
        clearTimeout(timer);
        resolve(mllp === undefined ? { url } : { url, mllpPort: Number(mllp) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(script)} exited with ${code}: ${err}`));
    });
  });
  return {
    process: child,
    ...started,
    rss: () => rssOf(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The lake (`hcdl serve`) on a data folder, with its MLLP listener. */
export function startLake(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  return spawnServer(path.join(REPO, 'packages/local/src/cli/main.ts'), ['serve'], {
    HCDL_PORT: '0',
    HCDL_DATA_DIR: dataDir,
    HCDL_MLLP_PORT: '0',
    HCDL_MLLP_SOURCE: 'bench-mllp',
    ...env,
  });
}

/** The bare append+fdatasync server, its log file in `dir`. */
export function startBare(dir: string): Promise<Child> {
  return spawnServer(path.join(REPO, 'bench/src/ingest/bare-server.ts'), [dir], {});
}
