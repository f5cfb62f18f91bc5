/**
 * `hcdl` as commander runs it, in this process: every command's help (and nothing started,
 * created or read for it), the version, the exit codes of usage errors, refused input and an
 * unreachable lake, and `hcdl token`'s refusals (a data folder no lake uses, a lake that signs
 * with another key) next to the token it does print, which the lake then accepts.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { main } from '../../src/cli/main';
import { COMMANDS } from '../../src/cli/registry';
import { HCDL_VERSION } from '../../src/cli/version';
import { openLocalLake, readConfig, startServer, type LocalLake, type RunningServer } from '../../src';
import { captureIo, REPO } from '../query/support';

const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const io = captureIo();
  const code = await main(argv, io, { HCDL_LOG_LEVEL: 'SILENT', ...env });
  return { code, out: io.out(), err: io.err() };
};

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'hcdl-cli-program-'));
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

describe('help and version', () => {
  const names = COMMANDS.map((c) => c.name);

  it('lists every command in hcdl --help, -h and hcdl help, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^Usage: hcdl \[options\] \[command\]\n/);
      for (const name of names) expect(r.out).toMatch(new RegExp(`\\n  ${name}\\b`));
    }
    expect(names).toEqual(expect.arrayContaining(['serve', 'token', 'ingest', 'parse', 'query', 'replay', 'compact', 'redrive', 'mirror']));
  });

  it.each(names)('hcdl %s --help and -h print its usage and start, create or read nothing', async (name) => {
    const dataDir = path.join(scratch, `help-${name}`);
    // Settings that would make the command work (or fail) if it ran: it must not run.
    const env = { HCDL_DATA_DIR: dataDir, HCDL_PORT: '0', HCDL_URL: 'http://127.0.0.1:9', AWS_REGION: 'eu-west-1' };
    for (const flag of ['--help', '-h']) {
      const r = await run([name, flag], env);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(new RegExp(`^Usage: hcdl ${name} `));
      expect(r.out).toContain('-h, --help');
    }
    expect((await run(['help', name], env)).out).toMatch(new RegExp(`^Usage: hcdl ${name} `));
    expect(existsSync(dataDir)).toBe(false);
  });

  it('hcdl serve --help returns at once: no lake opened, no port taken', async () => {
    const r = await run(['serve', '--help'], { HCDL_DATA_DIR: path.join(scratch, 'serve-help'), HCDL_PORT: '0' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('--port <n>');
    expect(r.err).not.toContain('listening');
  });

  it('prints the version of the package, with --version and -V', async () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'packages/local/package.json'), 'utf8')) as { version: string };
    expect(HCDL_VERSION).toBe(pkg.version);
    expect(await run(['--version'])).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
    expect((await run(['-V'])).out).toBe(`${pkg.version}\n`);
  });
});

describe('hcdl completion', () => {
  it('prints a bash script that completes command names and each command’s options', async () => {
    const r = await run(['completion', 'bash']);
    expect(r).toMatchObject({ code: 0, err: '' });
    const complete = (line: string): string[] => {
      const words = line.split(' ');
      const res = spawnSync('bash', ['-c', `${r.out}\nCOMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _hcdl; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        encoding: 'utf8',
      });
      expect(res.stderr).toBe('');
      return res.stdout.split('\n').filter((w) => w !== '');
    };
    expect(complete('hcdl ing')).toEqual(['ingest']);
    expect(complete('hcdl ingest --con')).toEqual(['--concurrency']);
    expect(complete('hcdl token --new')).toEqual(['--new-key']);
    expect(complete('hcdl mirror back')).toEqual(['backfill']);
    expect((await run(['completion', 'fish'])).code).toBe(2);
  });
});

describe('exit codes', () => {
  it('2 for usage errors, each said in one line with the usage line', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^Usage: hcdl/],
      [['nope'], /^hcdl: unknown command 'nope'/],
      [['parse', '--bogus', 'x.hl7'], /^hcdl parse: unknown option '--bogus'\nusage: hcdl parse \[options\] <file\.\.\.>/],
      [['parse', '--roundtrip', '--stats', 'x.hl7'], /^hcdl parse: option '--roundtrip' cannot be used with option '--stats'/],
      [['token', '--ttl', 'soon'], /^hcdl token: option '--ttl <seconds>' argument 'soon' is invalid/],
      [['ingest'], /^hcdl ingest: missing required argument 'inputs'/],
      [['ingest', '--concurrency', '0', 'x'], /^hcdl ingest: option '-c, --concurrency <n>' argument '0' is invalid/],
      [['replay', 'not-an-id'], /^hcdl replay: not a message id: not-an-id\nusage: hcdl replay/],
      [['mirror', 'rebuild'], /^hcdl mirror: unknown command 'rebuild'/],
    ];
    for (const [argv, said] of cases) {
      const r = await run(argv, { HCDL_DATA_DIR: path.join(scratch, 'usage') });
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toMatch(said);
    }
    expect(existsSync(path.join(scratch, 'usage'))).toBe(false);
  });

  it('1 for refused input: a folder without a lake, a file that does not exist', async () => {
    const q = await run(['query', '--data-dir', scratch, 'SELECT 1']);
    expect(q.code).toBe(1);
    expect(q.err).toBe(`hcdl query: no lake at ${scratch} (no catalog.db); give the lake's data folder with --data-dir or HCDL_DATA_DIR\n`);
    const i = await run(['ingest', '--url', 'http://127.0.0.1:9', '--source', 'a', path.join(scratch, 'missing.hl7')]);
    expect(i).toEqual({ code: 1, out: '', err: `hcdl ingest: ${path.join(scratch, 'missing.hl7')}: no such file or folder\n` });
  });

  it('3 when no lake answers at the URL, in one line', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s: Server = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const file = path.join(REPO, 'test/fixtures/corpus/FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7');
    const r = await run(['ingest', '--url', `http://127.0.0.1:${port}`, '--source', 'a', file]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(new RegExp(`^hcdl ingest: no lake answers at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); [^\\n]*\\n$`));
    const t = await run(['token', '--data-dir', scratch, '--new-key', '--url', `http://127.0.0.1:${port}`, '--write', 'a']);
    expect(t.code).toBe(3);
    expect(t.err.split('\n')).toHaveLength(2);
  });
});

describe('hcdl token', () => {
  let dataDir: string;
  let lake: LocalLake;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-cli-token-'));
    lake = await openLocalLake(readConfig({ HCDL_DATA_DIR: dataDir, HCDL_PORT: '0', HCDL_LOG_LEVEL: 'SILENT', HCDL_PUBLIC_URL: 'http://lake.test:8080' }));
    server = await startServer(lake);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await lake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a data folder no lake has run on (exit 1, no key made), unless --new-key', async () => {
    const empty = path.join(scratch, 'no-lake');
    const r = await run(['token', '--write', 'demo'], { HCDL_DATA_DIR: empty });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^hcdl token: no dev issuer key in .*no-lake\/oidc: no lake has run on this data folder\. .*--new-key/);
    expect(existsSync(empty)).toBe(false);
    const made = await run(['token', '--write', 'demo', '--new-key'], { HCDL_DATA_DIR: empty });
    expect(made.code).toBe(0);
    expect(decodeJwt(made.out.trim())).toMatchObject({ 'custom:write': 'demo', sub: 'local-user' });
    expect(await readdir(path.join(empty, 'oidc'))).toEqual(['signing-key.json']);
  });

  it('with --url, refuses a lake that signs with another key', async () => {
    const other = path.join(scratch, 'no-lake');
    const r = await run(['token', '--data-dir', other, '--url', server.url, '--write', 'demo']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `hcdl token: the lake at ${server.url} does not sign with the key in ${path.join(other, 'oidc')}: it runs on another data folder; give that one with --data-dir (or HCDL_DATA_DIR)\n`,
    );
  });

  it("with --url and the lake's folder, signs for the issuer the lake announces, and the lake accepts the token", async () => {
    // This shell's settings would give another issuer (port 8080): the lake's own wins.
    const r = await run(['token', '--data-dir', dataDir, '--url', server.url, '--read', 'demo', '--ttl', '120'], {});
    expect(r.code).toBe(0);
    const token = r.out.trim();
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'http://lake.test:8080/oidc', 'custom:read': 'demo' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    const res = await fetch(`${server.url}/hl7v2/messages`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it('a refused token: the 401 and the log line both say why, neither carries the token', async () => {
    const warn = jest.spyOn(lake.logger, 'warn');
    try {
      const wrongIssuer = (await run(['token', '--data-dir', dataDir, '--read', 'demo'], { HCDL_PUBLIC_URL: 'http://elsewhere:1' })).out.trim();
      for (const [authorization, reason] of [
        [undefined, 'missing'],
        [`Bearer ${wrongIssuer}`, 'wrong-issuer'],
        ['Bearer abc.def.ghi', 'malformed'],
      ] as const) {
        warn.mockClear();
        const res = await fetch(`${server.url}/hl7v2/messages`, { headers: authorization === undefined ? {} : { authorization } });
        expect(res.status).toBe(401);
        const body = (await res.json()) as { error: { details: { reason: string } } };
        expect(body.error.details.reason).toBe(reason);
        expect(warn).toHaveBeenCalledWith('token refused', expect.objectContaining({ reason }));
        expect(JSON.stringify(warn.mock.calls)).not.toContain(wrongIssuer.split('.')[2] as string);
      }
    } finally {
      warn.mockRestore();
    }
  });
});
