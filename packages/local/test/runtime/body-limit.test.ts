/**
 * The body limit of POST /hl7v2/er7 holds while the body streams in: a chunked body (no
 * declared length) that goes past it is answered 413 while the client is still sending, after
 * the server has read about the limit, not the whole body.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalLake, readConfig, startServer, type LocalLake, type RunningServer } from '../../src';

const CORPUS = path.resolve(import.meta.dirname, '../../../../test/fixtures/corpus');
const ADT = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'));
const LIMIT = 64 * 1024;

/** POSTs a chunked body of `chunks` chunks of `chunk` over a raw socket; stops sending when the answer comes. */
async function postChunked(port: number, token: string, chunk: Buffer, chunks: number): Promise<{ status: number; sent: number; answer: string }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  let answered = false;
  const response = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (/\r\n\r\n/.test(answer)) {
        answered = true;
        resolve();
      }
    });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  socket.write(
    `POST /hl7v2/er7 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/hl7-v2\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  let sent = 0;
  for (let i = 0; i < chunks && !answered && !socket.destroyed; i++) {
    const ok = socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n');
    sent += chunk.length;
    // The kernel's buffers are full: wait until they drain, or the answer comes.
    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), response]);
  }
  if (!answered && !socket.destroyed) socket.write('0\r\n\r\n');
  await response;
  socket.destroy();
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), sent, answer };
}

describe('POST body limit while streaming', () => {
  let dataDir: string;
  let lake: LocalLake;
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-body-limit-'));
    lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_MAX_BODY_BYTES: String(LIMIT) }));
    server = await startServer(lake);
    token = await (lake.devIssuer as NonNullable<LocalLake['devIssuer']>).sign({ sub: 'tester', write: 'ward-7', read: 'ward-7' });
  });
  afterAll(async () => {
    await server.close();
    await lake.idle();
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 413 to a chunked body past the limit while it is still being sent', async () => {
    // 1 GB offered, 64 KB allowed: the answer must come long before the client is done.
    const got = await postChunked(server.port, token, Buffer.alloc(64 * 1024, 0x5e), 16 * 1024);
    expect(got.status).toBe(413);
    expect(got.answer).toMatch(/connection: close/i);
    expect(got.answer).toContain('PAYLOAD_TOO_LARGE');
    // What the client could push before the answer: the limit plus the kernel's socket buffers.
    expect(got.sent).toBeLessThan(64 * 1024 * 1024);
    expect(await lake.adapters.catalog.listMessages({ source: 'ward-7' })).toEqual({ items: [] });
  }, 120_000);

  it('takes a chunked body under the limit', async () => {
    const got = await postChunked(server.port, token, ADT, 1);
    expect(got.status).toBe(201);
    await lake.idle();
    expect((await lake.adapters.catalog.listMessages({ source: 'ward-7' })).items).toHaveLength(1);
  }, 120_000);
});
