import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { normalize } from '@hcdl/hl7v2';
import { runParse } from '../src/cli/commands/parse';

const CORPUS = join(import.meta.dirname, '../../../test/fixtures/corpus');
const SINGLE = join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7');
const FIVE = join(CORPUS, 'hcls-data-lake/messages/adt03_AthenaHealth.txt');
const BATCH = join(CORPUS, 'python-hl7/tests/samples.py.extracted/11_L147_sample_file1.hl7');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[]): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  const code = await runParse(args, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hcdl-cli-parse-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('hcdl parse (NDJSON staging)', () => {
  it('prints one staging JSON document per message with its _meta', async () => {
    const r = await run([SINGLE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const docs = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs).toHaveLength(1);
    const doc = docs[0] as { msh?: Record<string, unknown>; _meta?: { version?: string; warnings?: unknown[] } };
    expect(doc.msh).toBeDefined();
    expect(doc._meta?.version).toBeDefined();
    expect(Array.isArray(doc._meta?.warnings)).toBe(true);
  });

  it('streams every message of a multi-message file and of several files, in order', async () => {
    const r = await run([FIVE, SINGLE]);
    expect(r.code).toBe(0);
    const docs = lines(r.stdout).map((l) => JSON.parse(l) as { msh: Record<string, unknown> });
    expect(docs).toHaveLength(6);
    const controlIds = docs.map((d) => d.msh['message_control_id']);
    expect(new Set(controlIds.slice(0, 5)).size).toBe(5);
  });

  it('decodes MSH-18 character sets from the bytes (ISO 8859-1)', async () => {
    const file = join(dir, 'latin1.hl7');
    const text = 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240601083000||ADT^A08^ADT_A01|LAT1|P|2.5|||||8859/1\rPID|1||123^^^FAC^MR||Caf\u00e9^Ren\u00e9e\r';
    writeFileSync(file, Buffer.from(text, 'latin1'));
    const r = await run([file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Caf\u00e9');
    expect(r.stdout).toContain('Ren\u00e9e');
  });
});

describe('hcdl parse --roundtrip', () => {
  it('prints the serialized ER7 of each message, equal to the documented normalization', async () => {
    const r = await run(['--roundtrip', SINGLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${normalize(readFileSync(SINGLE))}\n`);
  });

  it('prints one ER7 per message of a batch file', async () => {
    const r = await run(['--roundtrip', BATCH]);
    expect(r.code).toBe(0);
    const messages = lines(r.stdout);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const m of messages) expect(m.startsWith('MSH')).toBe(true);
  });
});

describe('hcdl parse --stats', () => {
  it('prints only totals, no message content', async () => {
    const r = await run(['--stats', FIVE, SINGLE]);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(1);
    const stats = JSON.parse(out[0] ?? '{}') as Record<string, number>;
    expect(stats['files']).toBe(2);
    expect(stats['messages']).toBe(6);
    expect(stats['fatal']).toBe(0);
    expect(typeof stats['warnings']).toBe('number');
    expect(typeof stats['elapsedMs']).toBe('number');
    expect(stats['msgsPerSec']).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('MSH');
  });
});

describe('hcdl parse failures', () => {
  it('exits 1 on input without MSH, with the reason and no content on stderr', async () => {
    const file = join(dir, 'not-hl7.txt');
    writeFileSync(file, 'PID|1||SECRET-ID-778899^^^X||DOE^JANE\r');
    const r = await run([file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('not-hl7.txt');
    expect(r.stderr).toContain('fatal');
    expect(r.stderr).not.toContain('SECRET-ID-778899');
    expect(r.stderr).not.toContain('DOE');
  });

  it('keeps going after a fatal file and still prints the good ones', async () => {
    const file = join(dir, 'empty.hl7');
    writeFileSync(file, '');
    const r = await run([file, SINGLE]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stderr).toContain('empty.hl7');
  });

  it('exits 1 on an unreadable file', async () => {
    const r = await run([join(dir, 'does-not-exist.hl7')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read the file (ENOENT)');
  });

  it('--strict fails messages that carry diagnostics, naming codes and locations only', async () => {
    const file = join(dir, 'warn.hl7');
    writeFileSync(file, 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240601083000||ADT^A08^ADT_A01|W1|P|2.5\rPID|1||SECRET-ID-4455^^^FAC^MR||DOE^JANE\rZZZ\\X\\|1\rnot a segment line\r');
    const lenient = await run([file]);
    expect(lenient.code).toBe(0);
    const doc = JSON.parse(lines(lenient.stdout)[0] ?? '{}') as { _meta: { warnings: { code: string }[] } };
    expect(doc._meta.warnings.length).toBeGreaterThan(0);
    const strict = await run(['--strict', file]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toContain('strict');
    expect(strict.stderr).toContain(doc._meta.warnings[0]?.code ?? 'missing');
    expect(strict.stderr).not.toContain('SECRET-ID-4455');
  });

  it('rejects usage errors with exit code 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['--bogus', SINGLE])).code).toBe(2);
    expect((await run(['--roundtrip', '--stats', SINGLE])).code).toBe(2);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('hcdl parse');
  });
});
