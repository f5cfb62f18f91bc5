/**
 * The front door uses core only through CoreIngestPort (ADR 0005): given a port (AWS: the
 * remote adapter), it builds no core of its own and writes nothing itself; batches, messages
 * and rejected input each go to the port's method, and a port failure is never a 2xx.
 */
import { describe, expect, it } from '@jest/globals';
import type { Catalog, MessageRecord } from '@hcdl/lake';
import type { CoreIngestPort } from '@hcdl/fn-core-writer';
import { createFrontDoor, createSubmit, DEFAULT_FRONT_DOOR_CONFIG, type FrontDoorDeps, type SubmitRequest } from '../src/index';

const log = () => {};
const logger = { debug: log, info: log, warn: log, error: log };
const MSH = (id: string) => `MSH|^~\\&|APP|FAC|HUB|HUB|20240101120000||ADT^A01|${id}|P|2.5\rPID|1||X\r`;

function recordingPort(fail?: Error) {
  const calls: { op: string; input: Record<string, unknown> }[] = [];
  const record = (input: { messageId: string; source: string }) =>
    ({ messageId: input.messageId, source: input.source, controlId: 'C', messageType: 'ADT^A01' }) as unknown as MessageRecord;
  const port: CoreIngestPort = {
    async ingest(input) {
      calls.push({ op: 'ingest', input: input as unknown as Record<string, unknown> });
      if (fail) throw fail;
      return record(input);
    },
    async ingestRejected(input) {
      calls.push({ op: 'reject', input: input as unknown as Record<string, unknown> });
      return record(input);
    },
    async storeBatch(input) {
      calls.push({ op: 'batch', input: input as unknown as Record<string, unknown> });
      return { key: `raw/${input.batchId}` };
    },
  };
  return { port, calls };
}

const submitWith = (port: CoreIngestPort) =>
  createSubmit({ core: port, dedup: async (_input, ingest) => ({ duplicate: false, result: await ingest() }), maxBodyBytes: 1 << 20, logger });

const request = (body: string, contentType = 'application/hl7-v2'): SubmitRequest => ({
  claims: { sub: 'w', 'custom:write': 'lab' },
  headers: { 'content-type': contentType },
  query: { source: 'lab' },
  body: Buffer.from(body, 'latin1'),
});

describe('front door with a CoreIngestPort', () => {
  it('uses the port it is given and builds no core (no zone or hub ports needed)', () => {
    const { port } = recordingPort();
    const deps = {
      core: port,
      catalog: {} as Catalog,
      logger,
      idempotencyStore: {} as FrontDoorDeps['idempotencyStore'],
      config: DEFAULT_FRONT_DOOR_CONFIG,
    } satisfies FrontDoorDeps;
    expect(createFrontDoor(deps).core).toBe(port);
  });

  it('a batch: the file to storeBatch first, then each message to ingest with its batch id and index', async () => {
    const { port, calls } = recordingPort();
    const file = `FHS|^~\\&\rBHS|^~\\&\r${MSH('A1')}${MSH('A2')}BTS|2\rFTS|1\r`;
    const res = await submitWith(port)(request(file));
    expect(res.status).toBe(201);
    expect(calls.map((c) => c.op)).toEqual(['batch', 'ingest', 'ingest']);
    const batch = calls[0]!.input as { batchId: string; bytes: Uint8Array; messages: number; source: string };
    expect(batch).toMatchObject({ source: 'lab', messages: 2 });
    expect(Buffer.from(batch.bytes).toString('latin1')).toBe(file);
    expect(calls.slice(1).map((c) => [c.input.batchId, c.input.batchIndex])).toEqual([
      [batch.batchId, 1],
      [batch.batchId, 2],
    ]);
  });

  it('input that is not HL7 goes to ingestRejected with the front-door stage', async () => {
    const { port, calls } = recordingPort();
    const res = await submitWith(port)(request('hello', 'text/plain'));
    expect(res.status).toBe(400);
    expect(calls).toEqual([{ op: 'reject', input: expect.objectContaining({ source: 'lab', stage: 'front-door', submittedBy: 'w' }) }]);
  });

  it('a failing port is never answered 2xx: the error reaches the handler (generic 500)', async () => {
    class RemoteDown extends Error {
      override name = 'RemoteDown';
    }
    const { port } = recordingPort(new RemoteDown('down'));
    await expect(submitWith(port)(request(MSH('B1')))).rejects.toBeInstanceOf(RemoteDown);
  });
});
