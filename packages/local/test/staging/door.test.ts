/**
 * The door's preparation: a large body is prepared (split, headers, hashes) on a staging
 * worker with exactly the result of the core's preparation on the calling thread, for a
 * message, a batch with its envelope and bytes that hold no MSH; a small body is prepared in
 * place, and so is a body whose worker fails. Through the lake, a large message posted twice
 * is ingested once, refused as a duplicate the second time, and staged.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { prepareMessages } from '@hcdl/core';
import { contentHash } from '@hcdl/lake';
import { doorPreparation } from '../../src/staging/door';
import { createStagingPool, type StagingPool } from '../../src/staging/pool';
import { openTempLake } from '../query/support';

const CORPUS = path.resolve(import.meta.dirname, '../../../../test/fixtures/corpus');
const ORU = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ORU-R01-01.hl7'), 'latin1').replace(/\r?\n/g, '\r');

/** The corpus ORU with an OBX-5 of `n` bytes of base64-like text (a PDF as hospitals send them). */
const withDocument = (n: number, controlId = 'DOC1'): string =>
  `${ORU.replace(/\r+$/, '').replace(/^(MSH(?:\|[^|\r]*){8}\|)[^|\r]*/, `$1${controlId}`)}\rOBX|99|ED|PDF^Report^L||^AP^PDF^Base64^${'QUJD'.repeat(n / 4)}||||||F\r`;

const logger = { warn: () => undefined };

describe('door preparation', () => {
  let pool: StagingPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('prepares a large body on a staging worker exactly as the core does on the calling thread', async () => {
    pool = createStagingPool({ threads: 1, timeoutMs: 60_000, memoryMb: 256, logger });
    const door = { prepare: doorPreparation(pool, 64 * 1024) };
    const single = Buffer.from(withDocument(512 * 1024), 'latin1');
    const viaThread = door.prepare(single);
    expect(viaThread).toBeInstanceOf(Promise);
    expect(await viaThread).toEqual(prepareMessages(single));
    const batch = Buffer.from(`FHS|^~\\&|A\rBHS|^~\\&|A\r${withDocument(128 * 1024, 'B1')}${withDocument(128 * 1024, 'B2')}BTS|2\rFTS|1\r`, 'latin1');
    const prepared = await door.prepare(batch);
    expect(prepared).toEqual(prepareMessages(batch));
    expect(prepared.ok && prepared.split.messages.map((m) => prepared.headers[prepared.split.messages.indexOf(m)]?.controlId)).toEqual(['B1', 'B2']);
    // Bytes with no MSH: the reasons, as data (a Hl7FatalError does not cross threads).
    const noMsh = Buffer.from(`PID|1\r${'x'.repeat(100 * 1024)}\r`, 'latin1');
    const refused = await door.prepare(noMsh);
    expect(refused).toEqual(prepareMessages(noMsh));
    expect(refused).toMatchObject({ ok: false, diagnostics: [expect.objectContaining({ code: 'NO_MSH' })] });
    // A view into a larger buffer: only its own bytes cross.
    const whole = Buffer.concat([Buffer.from('garbage'), single]);
    expect(await door.prepare(whole.subarray(7))).toEqual(prepareMessages(single));
  }, 120_000);

  it('does not hand a worker a body too large for its heap (the door prepares it in place)', async () => {
    pool = createStagingPool({ threads: 1, timeoutMs: 60_000, memoryMb: 16, logger });
    const big = Buffer.from(withDocument(2 * 1024 * 1024), 'latin1');
    await expect(pool.prepare(big)).rejects.toThrow(/too large for a staging worker's heap/);
    expect(await doorPreparation(pool)(big)).toEqual(prepareMessages(big));
  }, 120_000);

  it('prepares a small body in place, and a large one in place when its worker fails or there is no pool', async () => {
    const calls: number[] = [];
    const failing = { prepare: (b: Uint8Array) => (calls.push(b.byteLength), Promise.reject(new Error('worker replaced'))) };
    const small = Buffer.from(withDocument(4 * 1024), 'latin1');
    const result = doorPreparation(failing)(small);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual(prepareMessages(small));
    expect(calls).toEqual([]);
    const large = Buffer.from(withDocument(512 * 1024), 'latin1');
    expect(await doorPreparation(failing)(large)).toEqual(prepareMessages(large));
    expect(calls).toEqual([large.byteLength]);
    expect(doorPreparation(undefined)(large)).toEqual(prepareMessages(large));
  });
});

describe('a large body through the lake', () => {
  it('is ingested with its header and hash, refused as a duplicate the second time, then staged', async () => {
    const { dataDir, lake } = await openTempLake();
    try {
      const body = Buffer.from(withDocument(1024 * 1024, 'BIG1'), 'latin1');
      const post = () =>
        lake.http.handle({
          method: 'POST',
          path: '/hl7v2/er7',
          claims: { sub: 'door-test', 'custom:write': '*' },
          headers: { 'content-type': 'application/hl7-v2' },
          query: { source: 'door' },
          body,
        });
      const first = await post();
      expect(first.status).toBe(201);
      const id = (JSON.parse(String(first.body)) as { messageId: string }).messageId;
      const second = await post();
      expect(second.status).toBe(409);
      expect(JSON.parse(String(second.body))).toMatchObject({ messageId: id });
      await lake.idle();
      const row = await lake.adapters.catalog.getMessage(id);
      expect(row).toMatchObject({
        status: 'staged',
        controlId: 'BIG1',
        messageType: 'ORU^R01',
        contentHash: contentHash(body.toString('latin1').replace(/\r+$/, '\r')),
      });
    } finally {
      await lake.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
