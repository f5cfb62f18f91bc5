/**
 * Issue 13 end to end on a real local lake (HTTP server, MLLP listener, staging pool): the
 * same ACK for a duplicate on both transports, enhanced mode (accept ACK per MSH-15, then the
 * application ACK after staging per MSH-16), and `?ack=application` over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMessage } from '@hcdl/hl7v2';
import { openLocalLake, readConfig, type LocalLake, type RunningServer, startServer } from '../../src';
import { MllpDecoder, mllpFrame } from '../../src/mllp/framing';
import { startMllpListener, type MllpListener } from '../../src/mllp/listener';

const CORPUS = path.resolve(import.meta.dirname, '../../../../test/fixtures/corpus');
const A04 = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A04-01.hl7'), 'latin1');

/** The A04 with its own control id and MSH-15/16 (enhanced mode when either is given). */
function a04(control: string, accept = '', application = ''): string {
  const lines = A04.split(/\r\n|\r|\n/).filter((l) => l !== '');
  const msh = (lines[0] as string).split('|');
  msh[9] = control;
  while (msh.length < 16) msh.push('');
  msh[14] = accept;
  msh[15] = application;
  while (msh.length > 12 && msh[msh.length - 1] === '') msh.pop();
  return [msh.join('|'), ...lines.slice(1)].join('\r') + '\r';
}

/** What curl --data makes of a file: CR and LF gone, one line. */
const flattened = (text: string): string => text.replace(/[\r\n]/g, '');

/** Sends frames on one connection and collects `expected` answer frames (or what came before `quietMs` of silence). */
async function exchange(port: number, frames: string[], expected: number, quietMs = 0): Promise<string[]> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const decoder = new MllpDecoder(1 << 20);
  const acks: string[] = [];
  let quiet: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (acks.length >= expected) {
        if (quietMs === 0) resolve();
        else {
          clearTimeout(quiet);
          quiet = setTimeout(resolve, quietMs);
        }
      }
    };
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.kind === 'frame') acks.push(Buffer.from(e.bytes).toString('latin1'));
      check();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
  socket.write(Buffer.concat(frames.map((f) => mllpFrame(f))));
  await done;
  socket.end();
  return acks;
}

const msa = (ack: string): string[] => {
  const m = parseMessage(ack);
  return [m.get('MSA-1') ?? '', m.get('MSA-2') ?? ''];
};
const errs = (ack: string): string[][] =>
  ack
    .split('\r')
    .filter((s) => s.startsWith('ERR|'))
    .map((s) => s.split('|').slice(2, 6));
/** The ACK messages of one HTTP body (an answer may hold several). */
const acksOf = (body: string): string[] => body.split(/(?=MSH\|)/).filter((s) => s.startsWith('MSH|'));

describe('one ACK policy over HTTP and MLLP', () => {
  let dataDir: string;
  let lake: LocalLake;
  let server: RunningServer;
  let listener: MllpListener;
  let token: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-ack-'));
    lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_STAGING_THREADS: '1' }));
    server = await startServer(lake);
    listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      source: 'ward-7',
      maxFrameBytes: 1 << 20,
      submit: lake.app.submit,
      defer: lake.durably,
      applicationAcks: lake.applicationAcks,
      logger: lake.logger,
    });
    token = await (lake.devIssuer as NonNullable<LocalLake['devIssuer']>).sign({ sub: 'ack-test', write: 'ward-7', read: 'ward-7' });
  }, 60_000);
  afterAll(async () => {
    await listener.close();
    await server.close();
    await lake.idle();
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const post = (body: string, query = '', accept = 'application/json') =>
    fetch(`${server.url}/hl7v2/er7${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/hl7-v2', accept, 'x-hcdl-source': 'ward-7' },
      body: Buffer.from(body, 'latin1'),
    });

  it('a duplicate gets the same ACK over HTTP (Accept: application/hl7-v2) and over MLLP: AA, already stored', async () => {
    const text = a04('DUP-1');
    const [first] = await exchange(listener.port, [text], 1);
    expect(msa(first as string)).toEqual(['AA', 'DUP-1']);
    const [viaMllp] = await exchange(listener.port, [text], 1);
    const http = await post(text, '', 'application/hl7-v2');
    const viaHttp = await http.text();
    expect(http.status).toBe(409);
    for (const ack of [viaMllp as string, viaHttp]) {
      expect(msa(ack)).toEqual(['AA', 'DUP-1']);
      expect(ack).toMatch(/duplicate of message [0-9A-Z]{26}; already stored/);
    }
  }, 60_000);

  it('MLLP enhanced mode: CA once stored, then AA as the next frame once staged', async () => {
    const acks = await exchange(listener.port, [a04('ENH-1', 'AL', 'AL')], 2);
    expect(acks.map(msa)).toEqual([
      ['CA', 'ENH-1'],
      ['AA', 'ENH-1'],
    ]);
  }, 60_000);

  it('MLLP enhanced mode: a message invalid under the standard policy gets CA, then AE with located ERR segments', async () => {
    const acks = await exchange(listener.port, [flattened(a04('ENH-2', 'AL', 'AL'))], 2);
    expect(acks.map(msa)).toEqual([
      ['CA', 'ENH-2'],
      ['AE', 'ENH-2'],
    ]);
    expect(errs(acks[1] as string)).toEqual(expect.arrayContaining([['PID^1', '100^Segment sequence error^HL70357', 'E', 'POLICY_REQUIRED_SEGMENT_MISSING']]));
  }, 60_000);

  it('MSH-15 NE sends no accept ACK, MSH-16 ER no application ACK for a staged message', async () => {
    const onlyApplication = await exchange(listener.port, [a04('ENH-3', 'NE', 'AL')], 1, 300);
    expect(onlyApplication.map(msa)).toEqual([['AA', 'ENH-3']]);
    const onlyAccept = await exchange(listener.port, [a04('ENH-4', 'AL', 'ER')], 1, 300);
    expect(onlyAccept.map(msa)).toEqual([['CA', 'ENH-4']]);
  }, 60_000);

  it('an application ACK does not hold up the next frames: accept ACKs in frame order, each application ACK after its own accept ACK', async () => {
    const acks = await exchange(listener.port, [a04('ORD-1', 'AL', 'AL'), a04('ORD-2'), a04('ORD-3')], 4);
    const seen = acks.map(msa).map(([code, id]) => `${code}:${id}`);
    expect(seen.filter((s) => !s.startsWith('AA:ORD-1'))).toEqual(expect.arrayContaining(['CA:ORD-1', 'AA:ORD-2', 'AA:ORD-3']));
    expect(seen.indexOf('CA:ORD-1')).toBeLessThan(seen.indexOf('AA:ORD-2'));
    expect(seen.indexOf('AA:ORD-2')).toBeLessThan(seen.indexOf('AA:ORD-3'));
    expect(seen.indexOf('CA:ORD-1')).toBeLessThan(seen.indexOf('AA:ORD-1'));
  }, 60_000);

  it('HTTP ?ack=application: 201 staged; the curl --data reproduction answers 422 with the located diagnostics', async () => {
    const ok = await post(a04('HTTP-1'), '?ack=application');
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ status: 'staged', controlId: 'HTTP-1', messageType: 'ADT^A04' });
    const bad = await post(flattened(a04('HTTP-2')), '?ack=application');
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { status: string; messageId: string; diagnostics: { code: string; location: string }[] };
    expect(body.status).toBe('error');
    expect(body.diagnostics.filter((d) => d.code === 'POLICY_REQUIRED_SEGMENT_MISSING').map((d) => d.location)).toEqual(
      expect.arrayContaining(['PID[1]', 'PV1[1]']),
    );
    // Kept, not lost: the row is in the error zone and can be replayed.
    expect((await lake.adapters.catalog.getMessage(body.messageId))?.status).toBe('error');
  }, 60_000);

  it('HTTP ?ack=application with Accept: application/hl7-v2: original mode answers the AE alone, enhanced mode CA then AE', async () => {
    const original = await post(flattened(a04('HTTP-3')), '?ack=application', 'application/hl7-v2');
    expect(original.status).toBe(422);
    expect(acksOf(await original.text()).map(msa)).toEqual([['AE', 'HTTP-3']]);
    const enhanced = await post(flattened(a04('HTTP-4', 'AL', 'AL')), '?ack=application', 'application/hl7-v2');
    const acks = acksOf(await enhanced.text());
    expect(acks.map(msa)).toEqual([
      ['CA', 'HTTP-4'],
      ['AE', 'HTTP-4'],
    ]);
    expect(errs(acks[1] as string).map((e) => e[2])).toContain('E');
  }, 60_000);

  it('without ?ack=application HTTP answers at commit, as before: 201 ingested', async () => {
    const res = await post(a04('HTTP-5'));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'ingested', controlId: 'HTTP-5' });
  }, 60_000);
});
