/** What the `hcdl query --athena` tests share: the CLI's environment and a captured CLI io. */
import { afterAll, beforeAll } from '@jest/globals';
import { Writable } from 'node:stream';

/** The environment the CLI reads for --athena (fake credentials: Athena is mocked). */
export const ATHENA_CLI_ENV = {
  HCDL_ATHENA_WORKGROUP: 'hcdl-dev-analytics',
  HCDL_ATHENA_DATABASE: 'hcdl_dev_lake',
  HCDL_ATHENA_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'y',
} as const;

/** Sets these variables for the enclosing describe block and restores the previous values after it. */
export function useProcessEnv(env: Readonly<Record<string, string>>): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** A CLI io whose stdout and stderr are collected as text. */
export function capturedIo() {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => new Writable({ write: (c: Buffer, _e, done) => (into.push(c.toString()), done()) });
  return { stdout: sink(out), stderr: sink(err), out: () => out.join(''), err: () => err.join('') };
}
