/**
 * Compaction and what a query sees after it: the catalog snapshot plus the rows changed
 * since (a new message, a message in error updated as a replay updates it), documents staged
 * since read from JSON in every view, generations kept and removed, a compaction by an older
 * release ignored until the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MessageStatus } from '@hcdl/lake';
import type { LocalLake } from '../../src';
import { runQuery } from '../../src/cli/commands/query';
import { compactStaging, legacyParquetDir, parquetDir, QueryEngine, readManifest } from '../../src/query';
import { corpusMessageRows } from '../../../../test/fixtures/corpus-manifest';
import { captureIo, CORPUS, openTempLake, submit } from './support';

const ADT = (id: string, mrn: string): string =>
  `MSH|^~\\&|QAPP|QFAC|R|R|20240101120000||ADT^A01^ADT_A01|${id}|P|2.5.1\rEVN|A01|20240101120000\rPID|1||${mrn}^^^QFAC^MR||FRESH^ONE||19800101|F\rPV1|1|I\r`;

describe('compaction', () => {
  let dataDir: string;
  let lake: LocalLake;
  let total: number;

  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    // Some valid messages and some the corpus marks invalid (they end in error).
    const rows = corpusMessageRows();
    for (const m of [...rows.filter((r) => !r.negative).slice(0, 30), ...rows.filter((r) => r.negative).slice(0, 8)]) {
      await submit(lake, m.source, readFileSync(path.join(CORPUS, m.path)));
    }
    await lake.idle();
    total = (await lake.adapters.catalog.listMessages({ limit: 1000 })).items.length;
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const count = async (engine: QueryEngine, sql: string): Promise<unknown> => (await engine.query(sql)).rows[0]![0];

  it('reads what changed in the catalog since the snapshot, and documents staged since from JSON', async () => {
    const first = await compactStaging({ dataDir });
    expect(first?.catalog.messages).toEqual({ rows: total, maxRowid: total });
    const inError = (await lake.adapters.catalog.listMessages({ status: MessageStatus.Error, limit: 1 })).items[0]!;
    expect(inError).toBeDefined();

    expect(await submit(lake, 'fresh-src', Buffer.from(ADT(`FRESH-${Date.now()}`, 'FRESH1')))).toBe(201);
    await lake.idle();
    // What a replay does to the row: back to ingested, then error again with one more attempt.
    await lake.adapters.catalog.updateMessage(inError.messageId, { status: MessageStatus.Ingested, updatedAt: new Date().toISOString() }, MessageStatus.Error);
    await lake.adapters.catalog.updateMessage(inError.messageId, {
      status: MessageStatus.Error,
      attempts: inError.attempts + 1,
      updatedAt: new Date().toISOString(),
    });

    const engine = await QueryEngine.open({ dataDir });
    try {
      expect(engine.catalog?.mode).toBe('snapshot');
      // The new message, and every message that was not staged in the snapshot, read again.
      const unsettled = (await lake.adapters.catalog.listMessages({ limit: 1000 })).items.filter((m) => m.status !== 'staged').length;
      expect(engine.catalogRows?.messages).toBe(1 + unsettled);
      expect(await count(engine, 'SELECT count(*) FROM messages')).toBe(total + 1);
      expect(await count(engine, `SELECT attempts FROM messages WHERE message_id = '${inError.messageId}'`)).toBe(inError.attempts + 1);
      const fresh = await engine.query("SELECT source, msh.message_control_id, pid.patient_name FROM staging WHERE source = 'fresh-src'");
      expect(fresh.rows).toEqual([['fresh-src', expect.stringMatching(/^FRESH-/), [{ family_name: { surname: 'FRESH' }, given_name: 'ONE' }]]]);
      expect(engine.staging).toMatchObject({ mode: 'parquet+json', freshFiles: 1 });
      const pid3 = await engine.query("SELECT value FROM fields WHERE source = 'fresh-src' AND segment = 'PID' AND field = 3 AND component = 1");
      expect(pid3.rows).toEqual([['FRESH1']]);
      expect(engine.fields).toEqual({ mode: 'parquet+json', walkedFiles: 1 });
      const staged = (await lake.adapters.catalog.listMessages({ status: MessageStatus.Staged, limit: 1000 })).items.length;
      expect(await count(engine, 'SELECT count(*) FROM staging')).toBe(staged);
      expect(await count(engine, 'SELECT count(DISTINCT message_id) FROM fields')).toBe(staged);
      // The patient index grew too: the new patient has its identifier and its message.
      expect(await count(engine, "SELECT count(*) FROM patient_identifiers WHERE value = 'FRESH1'")).toBe(1);
      expect(
        await count(engine, "SELECT count(*) FROM patient_messages WHERE patient_id = (SELECT patient_id FROM patient_identifiers WHERE value = 'FRESH1')"),
      ).toBe(1);
    } finally {
      engine.close();
    }

    const second = await compactStaging({ dataDir });
    const again = await QueryEngine.open({ dataDir });
    try {
      expect(again.catalogRows?.messages).toBe((await lake.adapters.catalog.listMessages({ limit: 1000 })).items.filter((m) => m.status !== 'staged').length);
      expect(await again.ensureStaging()).toEqual({ mode: 'parquet', freshFiles: 0, generation: second!.generation });
      expect(await count(again, "SELECT count(*) FROM staging WHERE source = 'fresh-src'")).toBe(1);
    } finally {
      again.close();
    }
  }, 120_000);

  it("removes old generations and stale leftovers, never a newer or running compaction's", async () => {
    const root = parquetDir(dataDir);
    const old = 'g20000101T000000000-aaaaaa';
    const staleTmp = 'g20000101T000000001-bbbbbb.tmp';
    const runningTmp = 'g20000101T000000002-cccccc.tmp';
    const newer = 'g99991231T235959999-dddddd';
    for (const d of [old, staleTmp, runningTmp, newer]) await mkdir(path.join(root, d, 'staging'), { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(root, staleTmp), twoHoursAgo, twoHoursAgo);
    const before = (await readManifest(dataDir)).manifest!.generation;
    const made = await compactStaging({ dataDir });
    const left = readdirSync(root)
      .filter((f) => f.startsWith('g'))
      .sort();
    expect(left).toEqual([before, made!.generation, runningTmp, newer].sort());
    await rm(path.join(root, runningTmp), { recursive: true });
    await rm(path.join(root, newer), { recursive: true });
  }, 60_000);

  it('ignores a compaction by an older release (no catalog snapshot) and removes it on the next one', async () => {
    const manifest = (await readManifest(dataDir)).manifest!;
    await rm(path.join(parquetDir(dataDir), '_manifest.json'));
    await mkdir(legacyParquetDir(dataDir), { recursive: true });
    await writeFile(path.join(legacyParquetDir(dataDir), '_manifest.json'), JSON.stringify({ generation: 'g1', snapshotAt: manifest.snapshotAt }));
    const engine = await QueryEngine.open({ dataDir });
    try {
      expect(engine.manifest).toBeUndefined();
      expect((await engine.query('SELECT count(*) FROM staging')).rows[0]![0]).toBeGreaterThan(20);
      expect(engine.staging?.mode).toBe('json');
      expect(engine.hint).toMatch(/compacted by an older release/);
    } finally {
      engine.close();
    }
    const io = captureIo();
    expect(await runQuery(['--data-dir', dataDir, 'SELECT 1'], io)).toBe(0);
    expect(io.err()).toBe('hcdl query: the lake was compacted by an older release and is read from JSON; run `hcdl compact` again\n');
    await compactStaging({ dataDir });
    expect(readdirSync(parquetDir(dataDir))).not.toContain('staging');
    expect((await readManifest(dataDir)).legacy).toBe(false);
  }, 60_000);
});
