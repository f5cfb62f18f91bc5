/**
 * The shape of the workspace (issue 11): deployables are thin wiring around one application
 * package; the application imports neither the AWS SDK nor the file system; every workspace
 * runs its own tests; and Turborepo re-runs a workspace's tests when a dependency's sources
 * change (checked on a clone of HEAD, with turbo's own task hashes).
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO } from './support/harness';

interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readPackage = (dir: string): PackageJson => JSON.parse(readFileSync(path.join(REPO, dir, 'package.json'), 'utf8')) as PackageJson;
const workspaceDirs = (): string[] => [
  ...['packages', 'functions', 'services'].flatMap((base) => readdirSync(path.join(REPO, base)).map((d) => `${base}/${d}`)),
  'infra',
  'test',
  'bench',
];
const functionPackages = readdirSync(path.join(REPO, 'functions')).map((d) => readPackage(`functions/${d}`));

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('one application core, thin deployables', () => {
  it('no functions/* package depends on another functions/* package', () => {
    const names = new Set(functionPackages.map((p) => p.name));
    for (const p of functionPackages) {
      const deps = Object.keys({ ...p.dependencies, ...p.devDependencies });
      expect([p.name, deps.filter((d) => names.has(d))]).toEqual([p.name, []]);
      expect([p.name, deps.includes('@hcdl/core')]).toEqual([p.name, true]);
    }
  });

  it('the local runtime depends on no function package', () => {
    const local = readPackage('packages/local');
    expect(Object.keys({ ...local.dependencies, ...local.devDependencies }).filter((d) => d.startsWith('@hcdl/fn-'))).toEqual([]);
  });

  it('the application package imports neither the AWS SDK nor node:fs, and depends only on lake, hl7v2 and fhir of ours (pure, no I/O)', () => {
    const core = readPackage('packages/core');
    expect(
      Object.keys(core.dependencies ?? {})
        .filter((d) => d.startsWith('@hcdl/'))
        .sort(),
    ).toEqual(['@hcdl/fhir', '@hcdl/hl7v2', '@hcdl/lake']);
    expect(Object.keys(core.dependencies ?? {}).filter((d) => d.startsWith('@aws-sdk/'))).toEqual([]);
    // The FHIR mapping is the application's too (the refined stage): it does no I/O either.
    const files = [...sources(path.join(REPO, 'packages/core/src')), ...sources(path.join(REPO, 'packages/fhir/src'))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      expect([
        path.relative(REPO, file),
        imports.filter((i) => i?.startsWith('@aws-sdk/') || i === 'node:fs' || i === 'fs' || i === 'node:fs/promises'),
      ]).toEqual([path.relative(REPO, file), []]);
    }
  });
});

describe('every workspace tests on its own', () => {
  it.each(workspaceDirs().filter((d) => existsSync(path.join(REPO, d, 'package.json'))))('%s: its test script points at the shared jest runner', (dir) => {
    const pkg = readPackage(dir);
    if (pkg.scripts?.test === undefined) {
      // A workspace without tests declares none (bench: benchmarks run on demand).
      expect(sources(path.join(REPO, dir)).filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))).toEqual([]);
      return;
    }
    const script = /^node (\S+jest\.mjs)$/.exec(pkg.scripts.test)?.[1];
    expect(script).toBeDefined();
    expect(existsSync(path.resolve(REPO, dir, script as string))).toBe(true);
    expect(pkg.scripts.typecheck).toBe('tsc -p tsconfig.json');
  });
});

describe('turbo re-runs dependents when a dependency changes', () => {
  it('an edit in packages/lake/src changes the test task hash of every workspace that depends on it, and of no other', () => {
    const clone = mkdtempSync(path.join(tmpdir(), 'hcdl-turbo-'));
    try {
      execFileSync('git', ['clone', '--quiet', REPO, clone]);
      const turbo = path.join(REPO, 'node_modules', '.bin', 'turbo');
      const hashes = (): Record<string, string> => {
        const out = execFileSync(turbo, ['run', 'test', '--dry=json'], {
          cwd: clone,
          env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const dry = JSON.parse(out.toString('utf8')) as { tasks: { task: string; package: string; hash: string }[] };
        return Object.fromEntries(dry.tasks.filter((t) => t.task === 'test').map((t) => [t.package, t.hash]));
      };
      const before = hashes();
      appendFileSync(path.join(clone, 'packages/lake/src/errors.ts'), '\n// an edit\n');
      const after = hashes();
      const changed = Object.keys(before).filter((p) => before[p] !== after[p]);
      expect(changed).toEqual(
        expect.arrayContaining(['@hcdl/lake', '@hcdl/core', '@hcdl/aws', '@hcdl/local', '@hcdl/fn-front-door', '@hcdl/test', '@hcdl/infra']),
      );
      // The HL7 engine does not depend on the lake: its cached result stays valid.
      expect(changed).not.toContain('@hcdl/hl7v2');
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
