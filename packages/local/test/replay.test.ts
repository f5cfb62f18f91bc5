/**
 * `hcdl replay` on a data folder whose server is stopped. "After a parser fix" is simulated
 * honestly: the lake first runs with an older staging step that rejects ORU^R01 messages
 * (a genuine `failed` outcome through the hub and core), then `runReplay` re-runs the real
 * staging-er7 on the kept raw bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { olderParser } from '@hcdl/core/testing';
import type { ErrorRecord } from '@hcdl/lake';
import { openLocalLake } from '../src/runtime/lake';
import { readConfig } from '../src/runtime/env';
import { runReplay } from '../src/cli/commands/replay';
import { replayLocal } from '../src/runtime/replay';

const ORU =
  'MSH|^~\\&|LAB|NORTH|LAKE|HCDL|20240102030405||ORU^R01|ORU-1|P|2.5\rPID|1||MRN-77^^^NORTH^MR||ZEBRA^QUINCY\rOBR|1|||GLU\rOBX|1|NM|GLU||5.5|mmol/L\r';
const ADT = 'MSH|^~\\&|ADM|NORTH|LAKE|HCDL|20240102030405||ADT^A01|ADT-1|P|2.5\rEVN|A01|20240102\rPID|1||MRN-78^^^NORTH^MR||YAK^PETRA\rPV1|1|I\r';
const NOT_HL7 = 'hello, this is not HL7 at all';
const ORU_2 = ORU.replace('ORU-1', 'ORU-2');
const ORU_3 = ORU.replace('ORU-1', 'ORU-3');

/** The "older parser": refuses ORU^R01, stages everything else with the real steps. */
const older = olderParser('ORU^R01');

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  return { io: { stdout: out, stderr: err }, text: () => ({ stdout, stderr }) };
}

describe('hcdl replay', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const ids: Record<string, string> = {};

  async function withLake<T>(fn: (lake: Awaited<ReturnType<typeof openLocalLake>>) => Promise<T>): Promise<T> {
    const lake = await openLocalLake(readConfig(env));
    try {
      return await fn(lake);
    } finally {
      await lake.idle();
      await lake.close();
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-replay-'));
    env = { HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PORT: '0' };
    const lake = await openLocalLake(readConfig(env), { stager: older });
    const claims = { sub: 'test', 'custom:write': 'north' };
    for (const [name, body] of Object.entries({ ORU, ADT, NOT_HL7, ORU_2, ORU_3 })) {
      const r = await lake.http.handle({
        method: 'POST',
        path: '/hl7v2/er7',
        claims,
        headers: { 'content-type': 'text/plain' },
        query: {},
        body: Buffer.from(body),
      });
      const parsed = JSON.parse(r.body as string);
      ids[name] = parsed.messageId ?? parsed.error?.details?.messageId;
    }
    await lake.idle();
    await lake.close();
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('starts from one message rejected by the older parser', async () => {
    await withLake(async (lake) => {
      expect((await lake.adapters.catalog.getMessage(ids.ORU!))?.status).toBe('error');
      expect((await lake.adapters.catalog.getMessage(ids.ADT!))?.status).toBe('staged');
      expect((await lake.adapters.catalog.getMessage(ids.NOT_HL7!))?.status).toBe('error');
    });
  });

  it('re-stages a message by id from its raw bytes and keeps every attempt', async () => {
    const c = capture();
    expect(await runReplay([ids.ORU!], c.io, env)).toBe(0);
    const { stdout } = c.text();
    expect(stdout).toContain('replayed 1 message(s): 1 staged, 0 still in error');
    expect(stdout).toContain(`staged   ${ids.ORU} attempt 2`);
    expect(stdout).not.toMatch(/ZEBRA|MRN-77|QUINCY/);
    await withLake(async (lake) => {
      const row = await lake.adapters.catalog.getMessage(ids.ORU!);
      expect(row).toMatchObject({ status: 'staged', attempts: 2, structure: 'ORU_R01' });
      expect(row?.patientId).toMatch(/^pat_/);
      expect(existsSync(path.join(dataDir, 'zones', row!.stagingKey!))).toBe(true);
      const errors = (await lake.adapters.catalog.listErrors({ messageId: ids.ORU! })).items;
      expect(errors.map((e: ErrorRecord) => [e.attempt, e.code])).toEqual([[1, 'UNSUPPORTED_STRUCTURE']]);
      // One catalog row, no second message: nothing was re-ingested.
      expect((await lake.adapters.catalog.listMessages({ limit: 10 })).items).toHaveLength(5);
      // Lineage shows both attempts.
      const lineage = JSON.parse(
        (await lake.http.handle({ method: 'GET', path: `/hl7v2/messages/${ids.ORU}/lineage`, headers: {}, query: {}, claims: { 'custom:read': 'north' } }))
          .body as string,
      );
      expect(lineage.history.map((h: { attempt: number; outcome: string }) => [h.attempt, h.outcome])).toEqual([
        [1, 'error'],
        [2, 'staged'],
      ]);
    });
  });

  it('leaves messages not in error alone and reports unknown ids', async () => {
    const c = capture();
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    expect(await runReplay([ids.ADT!, unknown, '--json'], c.io, env)).toBe(1);
    expect(JSON.parse(c.text().stdout)).toEqual({ replayed: [], notFound: [unknown], skipped: [{ messageId: ids.ADT, status: 'staged' }] });
  });

  it('runs two concurrent replays of one message once', async () => {
    const config = readConfig(env);
    const [a, b] = await Promise.all([replayLocal(config, { messageIds: [ids.ORU_2!] }), replayLocal(config, { messageIds: [ids.ORU_2!] })]);
    expect([...a.replayed, ...b.replayed]).toEqual([{ messageId: ids.ORU_2, status: 'staged', attempt: 2 }]);
    expect([...a.skipped, ...b.skipped].map((r) => r.messageId)).toEqual([ids.ORU_2]);
    await withLake(async (lake) => expect(await lake.adapters.catalog.getMessage(ids.ORU_2!)).toMatchObject({ status: 'staged', attempts: 2 }));
  });

  it('works while a lake is open on the same folder, which then reads the new status', async () => {
    await withLake(async (lake) => {
      expect((await lake.adapters.catalog.getMessage(ids.ORU_3!))?.status).toBe('error');
      const c = capture();
      expect(await runReplay([ids.ORU_3!], c.io, env)).toBe(0);
      expect(await lake.adapters.catalog.getMessage(ids.ORU_3!)).toMatchObject({ status: 'staged', attempts: 2 });
    });
  });

  it('replays every error with --errors; what is still broken stays in error with the new attempt', async () => {
    const none = capture();
    expect(await runReplay(['--errors', '--since', '2999-01-01T00:00:00Z'], none.io, env)).toBe(0);
    expect(none.text().stdout).toContain('replayed 0 message(s)');
    const c = capture();
    expect(await runReplay(['--errors', '--source', 'north', '--since', '2000-01-01', '--json'], c.io, env)).toBe(1);
    const summary = JSON.parse(c.text().stdout);
    const notHl7 = summary.replayed.find((r: { messageId: string }) => r.messageId === ids.NOT_HL7);
    expect(notHl7).toEqual({ messageId: ids.NOT_HL7, status: 'error', attempt: 2, codes: expect.arrayContaining([expect.any(String)]) });
    await withLake(async (lake) => {
      const attempts = new Set((await lake.adapters.catalog.listErrors({ messageId: ids.NOT_HL7! })).items.map((e: ErrorRecord) => e.attempt));
      expect([...attempts].sort()).toEqual([1, 2]);
      expect((await lake.adapters.catalog.getMessage(ids.NOT_HL7!))?.attempts).toBe(2);
    });
  });

  it.each([
    [[]],
    [['--errors', 'x']],
    [['not-an-id']],
    [['--since', '2024-01-01']],
    [['--errors', '--since', 'soon']],
    [['--errors', '--source', 'a b']],
    [['--bogus']],
  ])('answers usage errors with status 2: %j', async (args) => {
    const c = capture();
    expect(await runReplay(args, c.io, env)).toBe(2);
    expect(c.text().stderr).toMatch(/^hcdl replay: .*\nusage: hcdl replay \[options\] \[messageId\.\.\.\]/);
  });

  it('refuses a folder that holds no lake', async () => {
    const c = capture();
    expect(await runReplay(['--errors'], c.io, { ...env, HCDL_DATA_DIR: path.join(dataDir, 'nothing-here') })).toBe(1);
    expect(c.text().stderr).toContain('no lake in');
  });
});
