/**
 * The README's first lines are a promise: one command starts the lake, the next lines get a
 * token and send a first message, another command runs all tests. This test reads those
 * lines from README.md and carries them out against a lake started the way `pnpm start`
 * starts it (the same CLI entry, on a free port and a temp folder), so the README cannot
 * drift from the code. The requests of the curl lines are sent with fetch (curl itself need
 * not be installed where the tests run), after checking that every curl option they use is
 * one this test understands.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lakeEnv, REPO, removeDir, spawnLake, stopChild } from './support/harness';

const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The fenced `sh` blocks of the README, in order, with line continuations joined. */
function shellBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  for (const m of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const body = (m[1] ?? '').replace(/\\\n\s*/g, '');
    blocks.push(body.split('\n').filter((l) => l.trim() !== ''));
  }
  return blocks;
}

/** POSIX-ish word splitting: single quotes literal, double quotes expand $VARS, no globbing. */
function words(line: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  const expand = (s: string): string =>
    s.replace(/\$([A-Z_][A-Z0-9_]*)/g, (_, v: string) => {
      if (!(v in vars)) throw new Error(`README uses $${v}, which the quick start never sets`);
      return vars[v] as string;
    });
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      cur = (cur ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated " in: ${line}`);
      cur = (cur ?? '') + expand(line.slice(i + 1, end));
      i = end;
    } else if (c === '$') {
      const m = /^\$([A-Z_][A-Z0-9_]*)/.exec(line.slice(i));
      if (!m) throw new Error(`unsupported $ in: ${line}`);
      cur = (cur ?? '') + expand(m[0]);
      i += m[0].length - 1;
    } else {
      cur = (cur ?? '') + c;
    }
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  dataFile?: string;
}

/** The request of a `curl ...` line; throws on an option this test does not know. */
function curlRequest(argv: string[]): CurlRequest {
  expect(argv[0]).toBe('curl');
  const req: CurlRequest = { method: 'GET', url: '', headers: {} };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-s' || a === '--silent') continue;
    if (a === '-X' || a === '--request') req.method = argv[++i] as string;
    else if (a === '-H' || a === '--header') {
      const h = argv[++i] as string;
      const colon = h.indexOf(':');
      req.headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else if (a === '--data-binary') {
      const d = argv[++i] as string;
      if (!d.startsWith('@')) throw new Error('the quick start posts a file (--data-binary @file)');
      req.dataFile = d.slice(1);
      if (req.method === 'GET') req.method = 'POST';
    } else if (a.startsWith('-')) throw new Error(`curl option ${a} is not understood by this test`);
    else req.url = a;
  }
  return req;
}

const blocks = shellBlocks(README);

describe('README quick start', () => {
  it('starts with the start command, then the first-message lines, then the test command', () => {
    expect(blocks[0]).toEqual(['bash scripts/bootstrap.sh && pnpm start']);
    expect(blocks[2]).toEqual(['bash scripts/bootstrap.sh && pnpm test']);
    expect(README.indexOf('pnpm start')).toBeLessThan(README.indexOf('pnpm test'));
    // The scripts the commands name exist and run the lake's CLI and the suite CI reads.
    // Both run the compiled CLI (plain node), built first when missing or stale.
    expect(pkg.scripts.start).toBe('node scripts/hcdl.mjs serve');
    expect(pkg.scripts.hcdl).toBe('node scripts/hcdl.mjs');
    expect(pkg.scripts.test).toBe('node scripts/test-all.mjs');
    expect(existsSync(path.join(REPO, 'scripts/bootstrap.sh'))).toBe(true);
    const ci = readFileSync(path.join(REPO, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^bash scripts\/bootstrap\.sh$/m);
    expect(ci).toMatch(/^pnpm test$/m);
  });

  describe('the first message, as written', () => {
    let dataDir: string;
    let lake: { child: ChildProcess; url: string };
    const vars: Record<string, string> = {};
    const lines = blocks[1] ?? [];

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-readme-'));
      lake = await spawnLake(dataDir);
    }, 180_000);
    afterAll(async () => {
      if (lake !== undefined) await stopChild(lake.child);
      await removeDir(dataDir);
    }, 60_000);

    it('gets a token with the TOKEN line (pnpm -s hcdl token prints only the token)', async () => {
      const tokenLine = lines.find((l) => l.startsWith('TOKEN='));
      expect(tokenLine).toBeDefined();
      const command = /^TOKEN=\$\((.*)\)$/.exec(tokenLine as string)?.[1];
      expect(command).toMatch(/^pnpm -s hcdl token /);
      const { stdout } = await promisify(execFile)('bash', ['-c', command as string], {
        cwd: REPO,
        env: { ...process.env, ...lakeEnv(dataDir), NODE_OPTIONS: '' },
      });
      const token = stdout.trim();
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      vars.TOKEN = token;
      // The first `pnpm hcdl` of a fresh clone builds the CLI (tens of seconds on a busy machine).
    }, 240_000);

    it('sends the first message and reads it back with the curl lines', async () => {
      expect(vars.TOKEN).toBeDefined();
      const curls = lines.filter((l) => l.startsWith('curl '));
      expect(curls).toHaveLength(2);
      const local = (u: string): string => u.replace(/^http:\/\/localhost:8080/, lake.url);

      const postReq = curlRequest(words(curls[0] as string, vars));
      expect(postReq.url).toBe('http://localhost:8080/hl7v2/er7');
      const file = path.join(REPO, postReq.dataFile as string);
      expect(existsSync(file)).toBe(true);
      const res = await fetch(local(postReq.url), { method: postReq.method, headers: postReq.headers, body: readFileSync(file) });
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status).toBe(201);
      // The README shows the answer's shape in the comment line after the curl.
      const shown = lines.find((l) => l.startsWith('# {'));
      const shownKeys = [...(shown ?? '').matchAll(/"(\w+)":/g)].map((m) => m[1]);
      expect(shownKeys.length).toBeGreaterThan(0);
      expect(Object.keys(body).sort()).toEqual([...shownKeys].sort());
      const shownStatus = /"status":"(\w+)"/.exec(shown as string)?.[1];
      expect(body.status).toBe(shownStatus);
      expect(body.messageType).toBe(/"messageType":"([^"]+)"/.exec(shown as string)?.[1]);

      vars.messageId = body.messageId as string;
      const getLine = (curls[1] as string).replace('<messageId>', vars.messageId);
      const getReq = curlRequest(words(getLine, vars));
      expect(getReq.method).toBe('GET');
      const got = await fetch(local(getReq.url), { headers: getReq.headers });
      expect(got.status).toBe(200);
      expect(((await got.json()) as { messageId: string }).messageId).toBe(vars.messageId);
    }, 60_000);
  });
});
