/**
 * The MLLP adapter end to end: frames sent over TCP go through the front door of a real
 * local lake and every frame gets an ACK in order.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMessage } from '@hcdl/hl7v2';
import { openLocalLake, readConfig, type LocalLake } from '../../src';
import { MllpDecoder, mllpFrame } from '../../src/mllp/framing';
import { startMllpListener, type MllpListener } from '../../src/mllp/listener';

const CORPUS = path.resolve(import.meta.dirname, '../../../../test/fixtures/corpus');
const ADT = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'));
const ORU = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ORU-R01-01.hl7'));

/** Sends raw bytes (in the given pieces) and collects `expected` ACK frames. */
async function exchange(port: number, pieces: Uint8Array[], expected: number): Promise<string[]> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const decoder = new MllpDecoder(1 << 20);
  const acks: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.kind === 'frame') acks.push(Buffer.from(e.bytes).toString('utf8'));
      if (acks.length >= expected) resolve();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
  for (const p of pieces) {
    socket.write(p);
    await new Promise((r) => setTimeout(r, 5));
  }
  await done;
  socket.end();
  return acks;
}

const msa = (ack: string): string[] => {
  const m = parseMessage(ack);
  return [m.get('MSA-1') ?? '', m.get('MSA-2') ?? ''];
};

describe('MLLP listener', () => {
  let dataDir: string;
  let lake: LocalLake;
  let listener: MllpListener;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-mllp-'));
    lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT' }));
    listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      source: 'ward-7',
      maxFrameBytes: 64 * 1024,
      submit: lake.app.submit,
      defer: lake.durably,
      logger: lake.logger,
    });
  });
  afterAll(async () => {
    await listener.close();
    await lake.idle();
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores each frame and answers AA in order, echoing MSH-10, even when frames share or split TCP packets', async () => {
    const stream = Buffer.concat([mllpFrame(ADT), mllpFrame(ORU)]);
    const cut = ADT.length + 40; // inside the second frame's MSH
    const acks = await exchange(listener.port, [stream.subarray(0, cut), stream.subarray(cut)], 2);
    expect(acks.map(msa)).toEqual([
      ['AA', parseMessage(ADT).get('MSH-10')],
      // The ORU sets MSH-15/16: enhanced mode, its accept ACK is CA (docs/ack.md).
      ['CA', parseMessage(ORU).get('MSH-10')],
    ]);
    await lake.idle();
    const rows = await lake.adapters.catalog.listMessages({ source: 'ward-7' });
    expect(rows.items.map((r) => [r.messageType, r.status, r.submittedBy]).sort()).toEqual([
      ['ADT^A01', 'staged', 'mllp:ward-7'],
      ['ORU^R01', 'staged', 'mllp:ward-7'],
    ]);
  });

  it('answers a resend AA with the original id and stores nothing new', async () => {
    const before = (await lake.adapters.catalog.listMessages({ source: 'ward-7' })).items.length;
    const [ack] = await exchange(listener.port, [mllpFrame(ADT)], 1);
    expect(msa(ack as string)[0]).toBe('AA');
    expect(ack).toMatch(/duplicate of message [0-9A-Z]{26}/);
    expect((await lake.adapters.catalog.listMessages({ source: 'ward-7' })).items).toHaveLength(before);
  });

  it('answers AR for a frame that is not HL7, and keeps it in the error zone', async () => {
    const [ack] = await exchange(listener.port, [mllpFrame('hello, this is not HL7')], 1);
    expect(msa(ack as string)[0]).toBe('AR');
    await lake.idle();
    const errors = await lake.adapters.catalog.listMessages({ source: 'ward-7', status: 'error' });
    expect(errors.items).toHaveLength(1);
    expect(errors.items[0]?.errorKey).toMatch(/^error\/source=ward-7\//);
  });

  it('handles frames sent without waiting in order, and commits them together: fewer syncs than frames', async () => {
    const frames = Array.from({ length: 40 }, (_, i) => ADT.toString('latin1').replace(/^(MSH(?:\|[^|\r\n]*){8}\|)[^|\r\n]*/, `$1PIPE${i}`));
    const syncsBefore = lake.adapters.group.stats.syncs;
    const acks = await exchange(listener.port, [Buffer.concat(frames.map((f) => mllpFrame(f)))], frames.length);
    // One ACK per frame, in frame order, each AA for a stored message.
    expect(acks.map(msa)).toEqual(frames.map((_, i) => ['AA', `PIPE${i}`]));
    expect(lake.adapters.group.stats.syncs - syncsBefore).toBeLessThan(frames.length);
    // Stored in frame order: the message ids (time-ordered) follow the frames.
    const rows = (await lake.adapters.catalog.listMessages({ source: 'ward-7', limit: 1000 })).items.filter((r) => r.controlId?.startsWith('PIPE'));
    expect(rows.map((r) => r.controlId)).toEqual(frames.map((_, i) => `PIPE${i}`));
    await lake.idle();
  });

  it('answers AR for an oversize frame and goes on with the next frame on the same connection', async () => {
    const big = Buffer.concat([ORU.subarray(0, 200), Buffer.alloc(70 * 1024, 0x41)]);
    const acks = await exchange(listener.port, [Buffer.concat([mllpFrame(big), mllpFrame(ORU)])], 2);
    expect(acks[0]).toMatch(/exceeds 65536 bytes/);
    expect(msa(acks[0] as string)[0]).toBe('AR');
    expect(msa(acks[1] as string)[0]).toBe('CA'); // the ORU again: a duplicate, accepted (enhanced mode: MSH-15/16 set)
  });
});
