/**
 * `hcdl ingest` against a lake started by the test: the corpus copies (every message file of
 * the manifest) sent over HTTP, the summary reconciled with the catalog, a rerun that is all
 * duplicates, a folder and a glob, a file the lake rejects (exit 1 with its reason), NDJSON
 * when piped and a summary for people on a terminal, and a token that expires mid-run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { splitMessages } from '@hcdl/hl7v2';
import { readFileSync } from 'node:fs';
import { runIngest } from '../../packages/local/src/cli/commands/ingest';
import type { IngestSummary } from '../../packages/local/src/cli/ingest/report';
import { corpusMessageRows } from '../fixtures/corpus-manifest';
import { startMllpListener } from '@hcdl/local';
import { CORPUS, startTestLake, type TestLake } from './support/harness';

interface Captured {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  out(): string;
  err(): string;
}

function capture(tty = false): Captured {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        into.push(chunk.toString());
        done();
      },
    });
  const stdout: Writable & { isTTY?: boolean } = sink(chunks.out);
  const stderr: Writable & { isTTY?: boolean } = sink(chunks.err);
  if (tty) {
    stdout.isTTY = true;
    stderr.isTTY = true;
  }
  return { stdout, stderr, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}

/** The NDJSON lines of a piped run: start, one per file, the summary. */
function events(out: string): { event: string; [k: string]: unknown }[] {
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { event: string });
}

const summaryOf = (out: string): IngestSummary => events(out).at(-1) as unknown as IngestSummary;

async function countMessages(t: TestLake, source: string): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await t.lake.adapters.catalog.listMessages({ source, limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    n += page.items.length;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return n;
}

const rows = corpusMessageRows();

/** Messages the lake will find in a file (0 for input the splitter refuses outright). */
function messagesIn(file: string): number {
  try {
    return splitMessages(readFileSync(file)).messages.length;
  } catch {
    return 0;
  }
}

describe('hcdl ingest', () => {
  let t: TestLake;
  let scratch: string;
  const env = (): NodeJS.ProcessEnv => ({ HCDL_DATA_DIR: t.dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PUBLIC_URL: 'http://localhost:8080' });
  const ingest = async (args: string[], tty = false) => {
    const io = capture(tty);
    const code = await runIngest(['--url', t.url, ...args], io, env());
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    t = await startTestLake();
    scratch = await mkdtemp(path.join(tmpdir(), 'hcdl-ingest-'));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await rm(scratch, { recursive: true, force: true });
  }, 120_000);

  it('loads every corpus file; the summary matches the catalog; a rerun is all duplicates', async () => {
    const files = rows.map((r) => path.join(CORPUS, r.path));
    const first = await ingest(['--source', 'corpus', '--concurrency', '4', ...files]);
    const s1 = summaryOf(first.out);
    expect(s1.files).toBe(rows.length);
    expect(s1.failed).toEqual([]);
    // Every message of every file is counted once: new or already there (identical files of two projects).
    const messages = rows.reduce((n, r) => n + messagesIn(path.join(CORPUS, r.path)), 0);
    const rejected = new Set(s1.rejected.map((r) => r.file));
    const acceptedMessages = rows.filter((r) => !rejected.has(path.join(CORPUS, r.path))).reduce((n, r) => n + messagesIn(path.join(CORPUS, r.path)), 0);
    expect(s1.ingested + s1.duplicate).toBe(acceptedMessages);
    expect(acceptedMessages).toBeLessThanOrEqual(messages);
    expect(s1.ingested).toBeGreaterThan(400);
    // Only deliberately invalid files (or an empty batch envelope) are refused, each with the lake's reason.
    const negative = new Set(rows.filter((r) => r.negative).map((r) => path.join(CORPUS, r.path)));
    for (const r of s1.rejected) {
      const empty = messagesIn(r.file) === 0;
      expect({ file: r.file, expected: negative.has(r.file) || empty }).toEqual({ file: r.file, expected: true });
      expect(r.code).toMatch(/^[A-Z0-9_]+$/);
      expect(r.reason.length).toBeGreaterThan(10);
    }
    expect(s1.rejected.length).toBeGreaterThan(0);
    expect(first.code).toBe(1);
    // The catalog holds each new message, and each refused file kept in the error zone.
    const kept1 = s1.rejected.filter((r) => r.messageId !== undefined).length;
    expect(await countMessages(t, 'corpus')).toBe(s1.ingested + kept1);

    const again = await ingest(['--source', 'corpus', '--concurrency', '4', ...files]);
    const s2 = summaryOf(again.out);
    expect(s2).toMatchObject({ files: rows.length, ingested: 0, duplicate: s1.ingested + s1.duplicate, failed: [] });
    expect(s2.rejected.map((r) => [r.file, r.code])).toEqual(expect.arrayContaining(s1.rejected.map((r) => [r.file, r.code])));
    expect(s2.rejected).toHaveLength(s1.rejected.length);
    const kept2 = s2.rejected.filter((r) => r.messageId !== undefined).length;
    expect(await countMessages(t, 'corpus')).toBe(s1.ingested + kept1 + kept2);
  }, 600_000);

  it('takes a folder and a glob, prints NDJSON when piped, exits 0 when all is stored, and 0 again on a rerun', async () => {
    const folder = path.join(CORPUS, 'medplum');
    const glob = `${path.join(CORPUS, 'simple-hl7')}/**/*.hl7`;
    const expected = rows.filter((r) => r.path.startsWith('medplum/') || r.path.startsWith('simple-hl7/'));
    const first = await ingest(['--source', 'folders', folder, glob]);
    expect(first.code).toBe(0);
    expect(first.err).toBe('');
    const lines = events(first.out);
    expect(lines[0]).toEqual({ event: 'start', files: expected.length });
    const fileEvents = lines.filter((e) => e.event === 'file');
    expect(fileEvents.map((e) => path.relative(CORPUS, e.file as string)).sort()).toEqual(expected.map((r) => r.path).sort());
    for (const e of fileEvents) expect(e.kind).toBe('sent');
    const s1 = summaryOf(first.out);
    expect(lines.at(-1)?.event).toBe('summary');
    expect(s1.ingested).toBe(await countMessages(t, 'folders'));

    const rerun = await ingest(['--source', 'folders', folder, glob]);
    expect(rerun.code).toBe(0);
    expect(summaryOf(rerun.out)).toMatchObject({ ingested: 0, duplicate: s1.ingested + s1.duplicate, rejected: [], failed: [] });
  }, 300_000);

  it('a file the lake rejects: exit 1, its reason in the summary, the other files stored', async () => {
    const dir = path.join(scratch, 'mixed');
    await mkdir(dir);
    await writeFile(path.join(dir, 'b-not-hl7.hl7'), 'this is not an HL7 message\r');
    await copyFile(
      path.join(CORPUS, 'hl7-standard', rows.find((r) => r.path.startsWith('hl7-standard/'))!.path.slice('hl7-standard/'.length)),
      path.join(dir, 'a-good.hl7'),
    );
    const r = await ingest(['--source', 'mixed', dir]);
    expect(r.code).toBe(1);
    const s = summaryOf(r.out);
    expect(s.files).toBe(2);
    expect(s.ingested).toBeGreaterThan(0);
    expect(s.rejected).toEqual([
      {
        file: path.join(dir, 'b-not-hl7.hl7'),
        status: 400,
        code: 'NOT_HL7',
        reason: expect.stringMatching(/^the body is not an HL7 v2 message; it was kept in the error zone \(NO_MSH/),
        messageId: expect.any(String),
      },
    ]);
    expect(r.out).not.toContain('this is not an HL7');
  }, 120_000);

  it('on a terminal: a progress bar on stderr, the summary for people on stdout', async () => {
    const r = await ingest(['--source', 'tty', path.join(CORPUS, 'node-hl7-client')], true);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/3\/3 files/);
    expect(r.out).toMatch(/^3 file\(s\) in \d+\.\d s: \d+ message\(s\) ingested, 0 duplicate\(s\), 0 file\(s\) rejected, 0 failed\n$/);
  }, 120_000);

  it('--mllp sends one frame per file and reads each ACK: new, then duplicates on a rerun', async () => {
    const listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      source: 'over-mllp',
      maxFrameBytes: t.lake.config.maxBodyBytes,
      submit: t.lake.app.submit,
      defer: t.lake.durably,
      // As `hcdl serve` wires it: three medplum files ask for no accept ACK (MSH-15 NE) and an
      // application ACK (MSH-16 AL), which is then the one answer their frame gets.
      applicationAcks: t.lake.applicationAcks,
      logger: t.lake.logger,
    });
    try {
      const folder = path.join(CORPUS, 'medplum');
      const first = await ingest(['--mllp', `127.0.0.1:${listener.port}`, '--concurrency', '2', folder]);
      expect(first.code).toBe(0);
      const s1 = summaryOf(first.out);
      expect(s1).toMatchObject({ files: 9, rejected: [], failed: [] });
      expect(s1.ingested).toBe(await countMessages(t, 'over-mllp'));
      expect(s1.ingested).toBeGreaterThan(0);
      const again = await ingest(['--mllp', String(listener.port), folder]);
      expect(again.code).toBe(0);
      // Nothing new is stored on a rerun. The three NE/AL files get only their application ACK,
      // which for a resent message says "duplicate of message <id>; already stored": every
      // file of the rerun is a duplicate, none counted as ingested.
      const s2 = summaryOf(again.out);
      expect(s2).toMatchObject({ files: 9, rejected: [], failed: [], ingested: 0, duplicate: s1.ingested + s1.duplicate });
      expect(s2.ingested + s2.duplicate).toBe(s1.ingested + s1.duplicate);
      expect(await countMessages(t, 'over-mllp')).toBe(s1.ingested);
    } finally {
      await listener.close();
    }
  }, 300_000);

  it('replaces an expired token from the lake data folder; without the key it stops with exit 3 and the reason', async () => {
    const issuer = t.lake.devIssuer!;
    const expired = await issuer.sign({ sub: 'old', write: 'renew', ttlSeconds: -120 });
    const file = path.join(CORPUS, 'hl7-standard');
    const renewed = await ingest(['--token', expired, file]);
    expect(renewed.code).toBe(0);
    expect(summaryOf(renewed.out).ingested).toBeGreaterThan(0);

    const io = capture();
    const code = await runIngest(['--url', t.url, '--token', expired, file], io, { ...env(), HCDL_DATA_DIR: path.join(scratch, 'elsewhere') });
    expect(code).toBe(3);
    expect(io.err()).toMatch(/^hcdl ingest: the lake refused the token \(expired: the token has expired\); give --data-dir/);
    expect(io.err()).not.toContain(expired);
  }, 120_000);
});
