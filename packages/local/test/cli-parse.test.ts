import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { spawnSync } from 'node:child_process';
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
    writeFileSync(
      file,
      'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240601083000||ADT^A08^ADT_A01|W1|P|2.5\rPID|1||SECRET-ID-4455^^^FAC^MR||DOE^JANE\rZZZ\\X\\|1\rnot a segment line\r',
    );
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

describe('hcdl parse: totals and diagnostics agree across modes', () => {
  const WARNED = join(CORPUS, 'ruby-hl7/test_data/lotsunknowns.hl7');

  it('--stats counts the same messages and diagnostics the NDJSON carries', async () => {
    const files = [FIVE, SINGLE, BATCH];
    const json = await run(files);
    const docs = lines(json.stdout).map((l) => JSON.parse(l) as { _meta: { warnings: { severity: string }[] } });
    const all = docs.flatMap((d) => d._meta.warnings);
    const stats = await run(['--stats', ...files]);
    expect(stats.code).toBe(0);
    const totals = JSON.parse(lines(stats.stdout)[0] ?? '{}') as Record<string, number>;
    expect(totals['messages']).toBe(docs.length);
    expect(totals['warnings']).toBe(all.filter((w) => w.severity !== 'error').length);
    expect(totals['errors']).toBe(all.filter((w) => w.severity === 'error').length);
  });

  it('each NDJSON line is one message with its located diagnostics (code, location, line, column)', async () => {
    const file = join(dir, 'diag.hl7');
    writeFileSync(
      file,
      'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240601083000||ADT^A08^ADT_A01|D1|P|2.5\rEVN||20240601\rPID|1||ID1^^^FAC^MR~ID2^^^FAC&1.2&BAD\\Q\\||DOE^JANE\rPV1|1|I\rQQQ|1\r',
    );
    const r = await run([file]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(lines(r.stdout)[0] ?? '{}') as { _meta: { warnings: { code: string; location: string; line: number; column: number }[] } };
    const byCode = new Map(doc._meta.warnings.map((w) => [w.code, w]));
    expect(byCode.get('BAD_ESCAPE')).toMatchObject({ location: 'PID[1]-3[2].4.3', line: 3 });
    expect(byCode.get('BAD_ESCAPE')?.column).toBeGreaterThan(1);
    expect(byCode.get('UNKNOWN_SEGMENT')).toMatchObject({ location: 'QQQ[1]', line: 5 });
  });

  it('a batch with one message whose delimiters are unusable: the others print, exit 1, reason on stderr', async () => {
    const file = join(dir, 'batch-bad.hl7');
    const good = (id: string): string => `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240601083000||ADT^A08^ADT_A01|${id}|P|2.5\rPID|1||X^^^FAC^MR\r`;
    // DEL (0x7F) as MSH-1: an MSH line, but no usable field separator.
    writeFileSync(file, `${good('G1')}MSH\x7f^~\\&\x7fAPP\rPID|1\r${good('G2')}`);
    const r = await run([file]);
    const ids = lines(r.stdout).map((l) => (JSON.parse(l) as { msh: { message_control_id: string } }).msh.message_control_id);
    expect(ids).toEqual(['G1', 'G2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('BAD_DELIMITERS');
    expect(r.stderr).toContain('batch-bad.hl7 message 2');
  });

  it('the file of unknown segments parses with warnings, never an error exit', async () => {
    const r = await run([WARNED]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(lines(r.stdout)[0] ?? '{}') as { _meta: { warnings: unknown[] } };
    expect(doc._meta.warnings.length).toBeGreaterThan(0);
  });
});

describe('hcdl parse as a process', () => {
  const MAIN = join(import.meta.dirname, '../src/cli/main.ts');
  const TSX = join(import.meta.dirname, '../../../node_modules/tsx/dist/cli.mjs');

  it('exit code 1 and the reason on stderr for fatal input; 0 and NDJSON for a good file', () => {
    const bad = join(dir, 'proc-bad.hl7');
    writeFileSync(bad, 'just some text, no HL7 here\r');
    const failed = spawnSync(process.execPath, [TSX, MAIN, 'parse', bad], { encoding: 'utf8' });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('proc-bad.hl7');
    expect(failed.stderr).toContain('NO_MSH');
    expect(failed.stderr).not.toContain('no HL7 here');
    const ok = spawnSync(process.execPath, [TSX, MAIN, 'parse', SINGLE], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(lines(ok.stdout)).toHaveLength(1);
  });
});
