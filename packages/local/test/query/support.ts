import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openLocalLake, readConfig, type LocalLake } from '../../src';
import type { CliIo } from '../../src/cli/commands/io';
import { corpusMessageRows } from '../../../../test/fixtures/corpus-manifest';

export const REPO = path.resolve(import.meta.dirname, '../../../..');
export const CORPUS = path.join(REPO, 'test/fixtures/corpus');

/** A local lake on a temp folder, opened in this process (no HTTP server: the front door is called directly). */
export async function openTempLake(): Promise<{ dataDir: string; lake: LocalLake }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-query-test-'));
  // The corpus holds fragments of messages (many miss required segments): staged leniently, as before the policy (ADR 0013).
  const lake = await openLocalLake(readConfig({ HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PORT: '0', HCDL_VALIDATION_POLICY: 'lenient' }));
  return { dataDir, lake };
}

/** Submits bytes through the real front door for a source, as a writer of every source. */
export async function submit(lake: LocalLake, source: string, body: Uint8Array): Promise<number> {
  const res = await lake.http.handle({
    method: 'POST',
    path: '/hl7v2/er7',
    claims: { sub: 'query-test', 'custom:write': '*' },
    headers: { 'content-type': 'application/hl7-v2' },
    query: { source },
    body,
  });
  return res.status;
}

export async function ingestCorpus(lake: LocalLake): Promise<void> {
  for (const m of corpusMessageRows()) await submit(lake, m.source, readFileSync(path.join(CORPUS, m.path)));
  await lake.idle();
}

/** CLI io that keeps what a command writes. */
export function captureIo(): CliIo & { out(): string; err(): string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        into.push(chunk.toString());
        done();
      },
    });
  return { stdout: sink(chunks.out), stderr: sink(chunks.err), out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}
