/**
 * Issue 15 item 8 over MLLP: every frame a listener takes is in the lake's audit trail (who:
 * the listener's source, from where: the peer address, what: the message ids, the outcome),
 * as `GET /audit` and the `audit` SQL view show it; a frame whose record cannot be written is
 * answered "send it again".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditRecord, AuditTrail } from '@hcdl/lake';
import { openLocalLake, readConfig, type LocalLake, type RunningServer, startServer } from '../../src';
import { readAck } from '../../src/cli/ingest/mllp-sender';
import { MllpDecoder, mllpFrame } from '../../src/mllp/framing';
import { startMllpListener, type MllpListener } from '../../src/mllp/listener';
import { QueryEngine } from '../../src/query';

const CORPUS = path.resolve(import.meta.dirname, '../../../../test/fixtures/corpus');
const A04 = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A04-01.hl7'), 'latin1');
const MAX_FRAME = 64 * 1024;

/** The corpus A04 with its own control id (MSH-10). */
function a04(control: string): string {
  const lines = A04.split(/\r\n|\r|\n/).filter((l) => l !== '');
  const msh = (lines[0] as string).split('|');
  msh[9] = control;
  return [msh.join('|'), ...lines.slice(1)].join('\r') + '\r';
}

/** Sends frames on one connection and collects one ACK per frame. */
async function exchange(port: number, frames: (string | Buffer)[]): Promise<string[]> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const decoder = new MllpDecoder(1 << 20);
  const acks: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.kind === 'frame') acks.push(Buffer.from(e.bytes).toString('latin1'));
      if (acks.length >= frames.length) resolve();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
  socket.write(Buffer.concat(frames.map((f) => mllpFrame(typeof f === 'string' ? f : f.toString('latin1')))));
  await done;
  socket.end();
  return acks;
}

/** MSA-1 and the ACK's text (ERR-8 for this v2.8 message, MSA-3 before v2.7). */
const msa = (ack: string): [string, string] => {
  const a = readAck(Buffer.from(ack, 'latin1'));
  return [a?.code ?? '', a?.text ?? ''];
};

describe('the audit trail of an MLLP listener', () => {
  let dataDir: string;
  let lake: LocalLake;
  let server: RunningServer;
  let listener: MllpListener;
  let acks: string[];

  const mllpRecords = async (): Promise<AuditRecord[]> => (await lake.adapters.audit.query({ principal: 'mllp:ward-7', limit: 100 })).records;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-mllp-audit-'));
    lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_STAGING_THREADS: '1' }));
    server = await startServer(lake);
    listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      source: 'ward-7',
      maxFrameBytes: MAX_FRAME,
      submit: lake.app.submit,
      defer: lake.durably,
      logger: lake.logger,
      audit: { trail: lake.adapters.audit },
    });
    // New, resent, not HL7, too large: one frame each, in this order on one connection.
    acks = await exchange(listener.port, [a04('MLLP-AUD-1'), a04('MLLP-AUD-1'), 'not an HL7 message at all\r', Buffer.alloc(MAX_FRAME + 10, 'X')]);
  }, 60_000);
  afterAll(async () => {
    await listener.close();
    await server.close();
    await lake.idle();
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records each frame: principal mllp:<source>, the peer address, the message ids, stored / duplicate / refused', async () => {
    expect(acks.map((a) => msa(a)[0])).toEqual(['AA', 'AA', 'AR', 'AR']);
    const stored = /accepted as ([0-9A-Z]{26})/.exec(msa(acks[0] as string)[1])?.[1];
    expect(stored).toBeDefined();
    const rows = await mllpRecords();
    expect(rows.map((r) => [r.action, r.method, r.route, r.outcome, r.status, r.source])).toEqual([
      ['write', 'MLLP', 'mllp', 'success', 0, 'ward-7'],
      ['write', 'MLLP', 'mllp', 'duplicate', 0, 'ward-7'],
      ['write', 'MLLP', 'mllp', 'invalid', 0, 'ward-7'],
      ['write', 'MLLP', 'mllp', 'invalid', 0, 'ward-7'],
    ]);
    expect(rows[0]?.entityIds).toEqual([stored]);
    // The resend names the message it duplicates; the bytes that are not HL7 are kept in the error zone under an id.
    expect(rows[1]?.entityIds).toEqual([stored]);
    expect(rows[2]?.entityIds).toEqual([expect.stringMatching(/^[0-9A-Z]{26}$/)]);
    expect(rows[2]?.entityIds).not.toEqual([stored]);
    expect(rows[3]?.entityIds).toEqual([]);
    for (const r of rows) expect(r.client).toMatch(/127\.0\.0\.1/);
    // Ids only: no control id, no content.
    expect(JSON.stringify(rows)).not.toMatch(/MLLP-AUD-1|not an HL7|XXXX/);
  }, 60_000);

  it('GET /audit and the audit SQL view show the frames', async () => {
    const auditor = await (lake.devIssuer as NonNullable<LocalLake['devIssuer']>).sign({ sub: 'privacy-officer', extra: { 'custom:audit': '*' } });
    const res = await fetch(`${server.url}/audit?principal=${encodeURIComponent('mllp:ward-7')}&action=write`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: AuditRecord[] };
    expect(page.items.map((r) => r.outcome)).toEqual(['success', 'duplicate', 'invalid', 'invalid']);

    const engine = await QueryEngine.open({ dataDir });
    try {
      const result = await engine.query(
        "SELECT outcome, len(entity_ids) AS ids, client, status FROM audit WHERE principal = 'mllp:ward-7' AND method = 'MLLP' ORDER BY audit_id",
      );
      expect(result.rows.map((r) => [r[0], r[1], r[3]])).toEqual([
        ['success', 1, 0],
        ['duplicate', 1, 0],
        ['invalid', 1, 0],
        ['invalid', 0, 0],
      ]);
      for (const r of result.rows) expect(String(r[2])).toMatch(/127\.0\.0\.1/);
    } finally {
      engine.close();
    }
  }, 60_000);

  it('answers "send it again" when the trail refuses the record; the resend, recorded, is a duplicate', async () => {
    let refuse = true;
    const trail: AuditTrail = {
      append: async (record) => {
        if (refuse) throw new Error('the audit table is locked');
        await lake.adapters.audit.append(record);
      },
      query: (q) => lake.adapters.audit.query(q),
    };
    const flaky = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      source: 'ward-9',
      maxFrameBytes: MAX_FRAME,
      submit: lake.app.submit,
      defer: lake.durably,
      logger: lake.logger,
      audit: { trail },
    });
    try {
      const [first] = await exchange(flaky.port, [a04('MLLP-AUD-2')]);
      expect(msa(first as string)).toEqual(['AR', 'the message was not stored; send it again']);
      expect((await lake.adapters.audit.query({ principal: 'mllp:ward-9', limit: 10 })).records).toEqual([]);
      refuse = false;
      const [again] = await exchange(flaky.port, [a04('MLLP-AUD-2')]);
      expect(msa(again as string)[1]).toMatch(/^duplicate of message [0-9A-Z]{26}; already stored$/);
      const rows = (await lake.adapters.audit.query({ principal: 'mllp:ward-9', limit: 10 })).records;
      expect(rows.map((r) => r.outcome)).toEqual(['duplicate']);
    } finally {
      await flaky.close();
    }
  }, 60_000);
});
