/**
 * MLLP listener limits (issue 13, ADR 0014), each from a reproduction found by probing:
 * connections past the cap, idle connections, half-sent frames over the per-connection bytes,
 * MLLP over TLS with a certificate made here, and a stray start byte inside a frame.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { Submit, SubmitInput } from '@hcdl/core';
import { generate } from 'selfsigned';
import { parseMessage, readHeader } from '@hcdl/hl7v2';
import { MllpDecoder, mllpFrame } from '../../src/mllp/framing';
import { defaultMllpLimits, type MllpLimits, MllpConfigError, readMllpLimits } from '../../src/mllp/limits';
import { startMllpListener, type MllpListener } from '../../src/mllp/listener';

const CORPUS = path.resolve(import.meta.dirname, '../../../../test/fixtures/corpus');
const ADT = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'), 'latin1').replace(/\r?\n/g, '\r');

interface Logged {
  level: string;
  message: string;
  extra: Record<string, unknown>;
}

/** A listener over a submit that stores nothing and records what it was given. */
async function listen(limits: Partial<MllpLimits>, maxFrameBytes = 10 * 1024 * 1024) {
  const logged: Logged[] = [];
  const submitted: SubmitInput[] = [];
  const submit: Submit = async (input) => {
    submitted.push(input);
    return { kind: 'accepted', header: readHeader(input.body), messages: [{ status: 'ingested', messageId: '01JCRASH0000000000000000AA' }] };
  };
  const record =
    (level: string) =>
    (message: string, extra: Record<string, unknown> = {}) =>
      logged.push({ level, message, extra });
  const listener = await startMllpListener({
    host: '127.0.0.1',
    port: 0,
    source: 'ward-9',
    maxFrameBytes,
    limits: { ...defaultMllpLimits(maxFrameBytes), ...limits },
    submit,
    logger: { info: record('info'), warn: record('warn'), error: record('error') },
  });
  return { listener, logged, submitted };
}

const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s)).once('error', reject);
  });

/** Resolves when the server closes the socket (the client never ends it first here). */
const closedByServer = (s: net.Socket): Promise<void> =>
  new Promise((resolve) => {
    if (s.destroyed) resolve();
    s.once('close', () => resolve());
    s.on('error', () => undefined);
    s.resume();
  });

/** The first ACK frame read from a socket. */
function firstAck(s: net.Socket): Promise<string> {
  const decoder = new MllpDecoder(1 << 20);
  return new Promise((resolve, reject) => {
    s.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.kind === 'frame') resolve(Buffer.from(e.bytes).toString('utf8'));
    });
    s.once('error', reject);
  });
}

describe('MLLP listener limits', () => {
  let listener: MllpListener | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await listener?.close();
    listener = undefined;
  });

  it('keeps 200 connections open and closes the 201st at once, logging why (default cap)', async () => {
    const l = await listen({ idleTimeoutMs: 0 });
    listener = l.listener;
    expect(defaultMllpLimits(1024).maxConnections).toBe(200);
    for (let i = 0; i < 200; i++) sockets.push(await connect(l.listener.port));
    const extra = await connect(l.listener.port);
    sockets.push(extra);
    await closedByServer(extra);
    // The 200 others still answer.
    const ack = firstAck(sockets[199] as net.Socket);
    sockets[199]?.write(mllpFrame(ADT));
    expect(parseMessage(await ack).get('MSA-1')).toBe('AA');
    expect(sockets.slice(0, 200).filter((s) => s.destroyed)).toHaveLength(0);
    expect(l.logged.filter((e) => e.message === 'mllp connection refused: too many connections')).toHaveLength(1);
  }, 60_000);

  it('closes an idle connection after the idle timeout, and not one whose ACK is still owed', async () => {
    let release = (): void => undefined;
    const l = await listen({ idleTimeoutMs: 150 });
    listener = l.listener;
    const idle = await connect(l.listener.port);
    sockets.push(idle);
    const started = Date.now();
    await closedByServer(idle);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(l.logged.some((e) => e.message === 'mllp connection closed: idle' && e.extra.idleTimeoutMs === 150)).toBe(true);

    // A slow submit (longer than the timeout) keeps its connection: the ACK still comes.
    await listener.close();
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      source: 'ward-9',
      maxFrameBytes: 1 << 20,
      limits: { ...defaultMllpLimits(1 << 20), idleTimeoutMs: 100 },
      submit: async (input) => {
        await gate;
        return { kind: 'accepted', header: readHeader(input.body), messages: [{ status: 'ingested', messageId: '01JCRASH0000000000000000AB' }] };
      },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    listener = slow;
    const busy = await connect(slow.port);
    sockets.push(busy);
    const ack = firstAck(busy);
    busy.write(mllpFrame(ADT));
    await new Promise((r) => setTimeout(r, 400));
    expect(busy.destroyed).toBe(false);
    release();
    expect(parseMessage(await ack).get('MSA-1')).toBe('AA');
  }, 30_000);

  it('closes connections whose unfinished frame passes the per-connection bytes, with the reason logged and bounded bytes', async () => {
    const cap = 64 * 1024;
    const l = await listen({ maxConnectionBytes: cap, idleTimeoutMs: 0 });
    listener = l.listener;
    // 40 senders each start a 10 MB frame and stop after 1 MB: the probe that held 395 MB.
    const senders = await Promise.all(Array.from({ length: 40 }, () => connect(l.listener.port)));
    sockets.push(...senders);
    const piece = Buffer.alloc(1024 * 1024, 0x41);
    piece[0] = 0x0b;
    await Promise.all(
      senders.map(async (s) => {
        const closed = closedByServer(s);
        s.write(piece);
        await closed;
      }),
    );
    const reasons = l.logged.filter((e) => e.message === 'mllp connection closed: unfinished frame over the connection limit');
    expect(reasons).toHaveLength(40);
    // What a connection held when it was closed: the cap plus at most one socket read.
    for (const r of reasons) expect(r.extra.bytes as number).toBeLessThanOrEqual(cap + 64 * 1024);
    expect(l.submitted).toHaveLength(0);
  }, 60_000);

  it('answers a frame with a stray start byte as such (MLLP_STRAY_START_BYTE), not as empty or non-HL7 input', async () => {
    const l = await listen({ idleTimeoutMs: 0 });
    listener = l.listener;
    for (const [at, name] of [
      [ADT.length, 'just before the end byte'],
      [ADT.indexOf('\rPID') + 1, 'between segments'],
    ] as const) {
      const s = await connect(l.listener.port);
      sockets.push(s);
      const ack = firstAck(s);
      s.write(
        Buffer.concat([
          Buffer.from([0x0b]),
          Buffer.from(ADT.slice(0, at), 'latin1'),
          Buffer.from([0x0b]),
          Buffer.from(ADT.slice(at), 'latin1'),
          Buffer.from([0x1c, 0x0d]),
        ]),
      );
      const answer = await ack;
      expect([name, parseMessage(answer).get('MSA-1'), parseMessage(answer).get('MSA-2')]).toEqual([name, 'AR', parseMessage(ADT).get('MSH-10')]);
      expect(answer).toContain('MLLP_STRAY_START_BYTE');
      expect(answer).not.toContain('EMPTY_INPUT');
    }
    expect(l.submitted).toHaveLength(0);
    expect(l.logged.filter((e) => e.message === 'mllp frame with a stray start byte refused').map((e) => e.extra.offset)).toEqual([
      ADT.length,
      ADT.indexOf('\rPID') + 1,
    ]);
  }, 30_000);
});

describe('MLLP over TLS', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('speaks MLLP over TLS with a self-signed certificate from HCDL_MLLP_TLS_CERT/KEY', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hcdl-mllp-tls-'));
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    // selfsigned (npm): the test needs no openssl binary.
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    await writeFile(cert, pems.cert);
    await writeFile(key, pems.private);
    const limits = readMllpLimits({ HCDL_MLLP_TLS_CERT: cert, HCDL_MLLP_TLS_KEY: key, HCDL_MLLP_IDLE_TIMEOUT_MS: '0' }, 1 << 20);
    const l = await listen(limits, 1 << 20);
    try {
      const s = tls.connect({ host: '127.0.0.1', port: l.listener.port, ca: readFileSync(cert) });
      await new Promise<void>((resolve, reject) => s.once('secureConnect', resolve).once('error', reject));
      expect(s.authorized).toBe(true);
      const ack = firstAck(s);
      s.write(mllpFrame(ADT));
      expect(parseMessage(await ack).get('MSA-1')).toBe('AA');
      s.destroy();
      // A plain-TCP sender gets no ACK: the handshake fails and is logged.
      const plain = await connect(l.listener.port);
      plain.write(mllpFrame(ADT));
      await closedByServer(plain);
      expect(l.submitted).toHaveLength(1);
      expect(l.logged.some((e) => e.message === 'mllp TLS handshake failed')).toBe(true);
    } finally {
      await l.listener.close();
    }
  }, 30_000);

  it('reads its limits from the environment, with defaults, and names the variable of a wrong value', () => {
    expect(readMllpLimits({}, 5_000_000)).toEqual({ idleTimeoutMs: 300_000, maxConnections: 200, maxConnectionBytes: 5_000_000 });
    expect(readMllpLimits({ HCDL_MLLP_IDLE_TIMEOUT_MS: '1000', HCDL_MLLP_MAX_CONNECTIONS: '5', HCDL_MLLP_MAX_CONNECTION_BYTES: '65536' }, 1)).toEqual({
      idleTimeoutMs: 1000,
      maxConnections: 5,
      maxConnectionBytes: 65536,
    });
    expect(() => readMllpLimits({ HCDL_MLLP_MAX_CONNECTIONS: '0' }, 1)).toThrow(/HCDL_MLLP_MAX_CONNECTIONS/);
    expect(() => readMllpLimits({ HCDL_MLLP_TLS_CERT: '/nowhere.pem' }, 1)).toThrow(MllpConfigError);
    expect(() => readMllpLimits({ HCDL_MLLP_TLS_CERT: '/nowhere.pem', HCDL_MLLP_TLS_KEY: '/nowhere.key' }, 1)).toThrow(
      /HCDL_MLLP_TLS_CERT: the file cannot be read/,
    );
  });
});
