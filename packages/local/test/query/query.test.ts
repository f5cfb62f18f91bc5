/**
 * `hcdl query` over a local lake holding the whole HL7 corpus, ingested through the real
 * front door: the issue's example questions answered in SQL and checked against answers
 * computed independently from the catalog API and the staging files; the same answers
 * after `hcdl compact` (from Parquet), staging written after the compaction still visible,
 * output formats, and a located SQL error.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ErrorRecord, MessageRecord, PatientIdentifierRecord } from '@hcdl/lake';
import type { LocalLake } from '../../src';
import { runCompact } from '../../src/cli/commands/compact';
import { runQuery } from '../../src/cli/commands/query';
import { compactStaging, parquetStagingDir, QueryEngine, readManifest, SqlError, stagingJsonGlob, type QueryResult } from '../../src/query';
import { captureIo, ingestCorpus, openTempLake, submit } from './support';

const Q = {
  perFacilityPerDay: `SELECT coalesce(sending_facility, '(none)') AS facility, CAST(received_at AS DATE) AS day, count(*) AS messages
    FROM messages GROUP BY ALL ORDER BY facility, day`,
  moreThanOneMrn: `SELECT patient_id, count(*) AS mrns, list(value ORDER BY value) AS mrn_values
    FROM patient_identifiers WHERE identifier_type = 'MR' GROUP BY patient_id HAVING count(*) > 1 ORDER BY patient_id`,
  errorCodesBySender: `SELECT m.source AS sender, e.code, count(*) AS errors
    FROM errors e JOIN messages m USING (message_id) WHERE e.severity = 'error' GROUP BY ALL ORDER BY sender, e.code`,
  sample: `SELECT msh.message_control_id, pid.patient_name FROM staging WHERE type = 'ADT_A01' ORDER BY message_id`,
  typesFromStaging: `SELECT source, type, dt, count(*) AS n FROM staging GROUP BY ALL ORDER BY ALL`,
};

/** Every catalog message, through the Catalog port (an independent path from DuckDB). */
async function allMessages(lake: LocalLake): Promise<MessageRecord[]> {
  const out: MessageRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await lake.adapters.catalog.listMessages({ limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return out;
}

async function allErrors(lake: LocalLake): Promise<ErrorRecord[]> {
  const out: ErrorRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await lake.adapters.catalog.listErrors({ limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return out;
}

const countBy = (keys: string[]): Map<string, number> => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
const sortedEntries = (m: Map<string, number>): [string, number][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Staging documents of one structure, read straight from the zone folder, by message id. */
function stagingDocs(dataDir: string, type: string): { id: string; doc: any }[] {
  const root = path.join(dataDir, 'zones', 'staging');
  const out: { id: string; doc: any }[] = [];
  for (const source of readdirSync(root)) {
    const typeDir = path.join(root, source, 'protocol=hl7v2', 'format=json', `type=${type}`);
    let days: string[] = [];
    try {
      days = readdirSync(typeDir);
    } catch {
      continue;
    }
    for (const day of days) {
      for (const f of readdirSync(path.join(typeDir, day))) {
        if (/^[0-9A-Z]{26}\.json$/.test(f)) out.push({ id: f.slice(0, 26), doc: JSON.parse(readFileSync(path.join(typeDir, day, f), 'utf8')) });
      }
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('hcdl query over the corpus lake', () => {
  let dataDir: string;
  let lake: LocalLake;
  let messages: MessageRecord[];
  let engine: QueryEngine;
  const answers: Record<string, QueryResult> = {};

  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    await ingestCorpus(lake);
    messages = await allMessages(lake);
    engine = await QueryEngine.open({ dataDir });
    for (const [name, sql] of Object.entries(Q)) answers[name] = await engine.query(sql);
  }, 120_000);

  afterAll(async () => {
    engine?.close();
    await lake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('copies the whole catalog and reads staging JSON', async () => {
    expect(await engine.ensureStaging()).toEqual({ mode: 'json', freshFiles: 0 });
    expect(engine.catalogRows.messages).toBe(messages.length);
    expect(messages.length).toBeGreaterThan(400);
  });

  it('counts messages per facility per day', () => {
    const expected = sortedEntries(countBy(messages.map((m) => `${m.sendingFacility ?? '(none)'}\u0000${m.receivedAt.slice(0, 10)}`)));
    const got = answers.perFacilityPerDay!;
    expect(got.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['facility:VARCHAR', 'day:DATE', 'messages:BIGINT']);
    expect(got.rows.map(([f, d, n]) => [`${f}\u0000${d}`, n])).toEqual(expected);
    expect(got.rows.length).toBeGreaterThan(10);
  });

  it('finds the patients with more than one MRN', () => {
    const db = new Database(path.join(dataDir, 'catalog.db'), { readonly: true });
    const ids = (db.prepare('SELECT doc FROM patient_identifiers').pluck().all() as string[]).map((d) => JSON.parse(d) as PatientIdentifierRecord);
    db.close();
    const mrns = new Map<string, string[]>();
    for (const r of ids) {
      const [, type, ...value] = r.identifier.split('#');
      if (type === 'MR') mrns.set(r.patientId, [...(mrns.get(r.patientId) ?? []), value.join('#')]);
    }
    const expected = [...mrns.entries()]
      .filter(([, v]) => v.length > 1)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([p, v]) => [p, v.length, [...v].sort()]);
    expect(expected.length).toBeGreaterThan(0);
    expect(answers.moreThanOneMrn!.rows).toEqual(expected);
  });

  it('counts error codes by sender', async () => {
    const bySource = new Map(messages.map((m) => [m.messageId, m.source]));
    const errors = (await allErrors(lake)).filter((e) => e.severity === 'error');
    const expected = sortedEntries(countBy(errors.map((e) => `${bySource.get(e.messageId)}\u0000${e.code}`)));
    const got = answers.errorCodesBySender!;
    expect(got.rows.map(([s, c, n]) => [`${s}\u0000${c}`, n])).toEqual(expected);
    expect(got.rows.length).toBeGreaterThan(3);
  });

  it("answers the reference sample's query: msh.message_control_id, pid.patient_name FROM staging", () => {
    const docs = stagingDocs(dataDir, 'ADT_A01');
    expect(docs.length).toBeGreaterThan(20);
    expect(answers.sample!.columns).toEqual([
      { name: 'message_control_id', type: 'JSON' },
      { name: 'patient_name', type: 'JSON' },
    ]);
    expect(answers.sample!.rows).toEqual(docs.map(({ doc }) => [doc.msh.message_control_id ?? null, doc.pid?.patient_name ?? null]));
  });

  it('runs the sample query over every message type (segments of differing shapes are JSON)', async () => {
    const staged = messages.filter((m) => m.status === 'staged');
    const all = await engine.query('SELECT message_id, msh.message_control_id, pid.patient_name, obx[0].observation_value FROM staging ORDER BY message_id');
    expect(all.rows.map((r) => r[0])).toEqual(staged.map((m) => m.messageId).sort());
    const byId = new Map(staged.map((m) => [m.messageId, m]));
    for (const [id, controlId] of all.rows) expect(controlId).toBe(byId.get(id as string)!.controlId ?? null);
    // An ORU's pid is an array: index it like the array it is.
    const oru = await engine.query(
      "SELECT pid[0].patient_name[0].family_name.surname AS surname FROM staging WHERE type = 'ORU_R01' AND pid[0].patient_name[0].family_name.surname IS NOT NULL",
    );
    expect(oru.rows.length).toBeGreaterThan(10);
    expect(oru.rows.every(([s]) => typeof s === 'string')).toBe(true);
  });

  it('returns nested values as values: lists of JSON, structs, integer lists', async () => {
    const docs = new Map(stagingDocs(dataDir, 'ORU_R01').map((d) => [d.id, d.doc]));
    const res = await engine.query(
      "SELECT message_id, obx->'$[*].observation_value' AS values, {'control': msh.message_control_id, 'n': 1} AS s, [1, 2]::BIGINT[] AS ints FROM staging WHERE type = 'ORU_R01' AND obx IS NOT NULL ORDER BY message_id LIMIT 5",
    );
    expect(res.rows.length).toBe(5);
    for (const [id, values, s, ints] of res.rows) {
      const doc = docs.get(id as string);
      // `$[*].x` skips the elements without an x, like JSONPath.
      expect(values).toEqual(
        doc.obx
          .filter((o: { observation_value?: unknown }) => o.observation_value !== undefined)
          .map((o: { observation_value: unknown }) => o.observation_value),
      );
      expect(s).toEqual({ control: doc.msh.message_control_id ?? null, n: 1 });
      expect(ints).toEqual([1, 2]);
    }
  });

  it('has source, type and dt as partition columns matching the catalog', () => {
    const staged = messages.filter((m) => m.status === 'staged');
    const expected = sortedEntries(countBy(staged.map((m) => `${m.source}\u0000${m.structure ?? 'UNKNOWN'}\u0000${m.receivedAt.slice(0, 10)}`)));
    expect(answers.typesFromStaging!.rows.map(([s, t, d, n]) => [`${s}\u0000${t}\u0000${d}`, n])).toEqual(expected);
  });

  it('defines staging only for SQL that may use it', async () => {
    const lazy = await QueryEngine.open({ dataDir });
    try {
      expect((await lazy.query('SELECT count(*) FROM messages')).rows).toEqual([[messages.length]]);
      expect(lazy.staging).toBeUndefined();
      expect((await lazy.query('SELECT count(*) FROM STAGING')).rows).toEqual([[messages.filter((m) => m.status === 'staged').length]]);
      expect(lazy.staging).toEqual({ mode: 'json', freshFiles: 0 });
    } finally {
      lazy.close();
    }
    const listing = await QueryEngine.open({ dataDir });
    try {
      const tables = await listing.query('SHOW TABLES');
      expect(tables.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['messages', 'errors', 'patient_identifiers', 'staging']));
    } finally {
      listing.close();
    }
  });

  it('refuses bad SQL with a located message', async () => {
    const err = await engine.query('SELECT msh.message_control_id FROM stagin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as Error).message).toMatch(/^Catalog Error: Table with name stagin does not exist!/);
    expect((err as Error).message).toContain('LINE 1: SELECT msh.message_control_id FROM stagin');
    expect((err as Error).message).not.toContain('Possible solutions');
  });

  describe('the CLI', () => {
    it('prints an aligned table by default', async () => {
      const io = captureIo();
      const code = await runQuery(
        ['--data-dir', dataDir, "SELECT status, count(*) AS n FROM messages WHERE status IN ('staged', 'error') GROUP BY 1 ORDER BY 1"],
        io,
      );
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      const staged = messages.filter((m) => m.status === 'staged').length;
      const error = messages.filter((m) => m.status === 'error').length;
      const w = Math.max(String(staged).length, String(error).length, 1);
      expect(io.out()).toBe(
        [
          'status | ' + 'n'.padStart(w),
          '-------+-' + '-'.repeat(w),
          `error  | ${String(error).padStart(w)}`,
          `staged | ${String(staged).padStart(w)}`,
          '(2 rows)',
          '',
        ].join('\n'),
      );
    });

    it('prints CSV and JSON on request', async () => {
      const sql = `SELECT msh.message_control_id AS control_id, pid.patient_name AS name FROM staging WHERE type = 'ADT_A01' ORDER BY message_id LIMIT 2`;
      const csv = captureIo();
      expect(await runQuery(['--data-dir', dataDir, '--format', 'csv', sql], csv)).toBe(0);
      const rows = answers.sample!.rows.slice(0, 2);
      const field = (v: unknown) => {
        const s = typeof v === 'string' ? v : JSON.stringify(v);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      };
      expect(csv.out()).toBe(`control_id,name\r\n${rows.map((r) => `${field(r[0])},${field(r[1])}\r\n`).join('')}`);
      const json = captureIo();
      expect(await runQuery(['--data-dir', dataDir, '--format', 'json', sql], json)).toBe(0);
      expect(JSON.parse(json.out())).toEqual(rows.map((r) => ({ control_id: r[0], name: r[1] })));
    });

    it('exits 1 with a located error for bad SQL, 2 for bad usage', async () => {
      const io = captureIo();
      expect(await runQuery(['--data-dir', dataDir, 'SELEC count(*) FROM messages'], io)).toBe(1);
      expect(io.out()).toBe('');
      expect(io.err()).toBe('hcdl query: SQL error: Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC count(*) FROM messages\n        ^\n');
      const usage = captureIo();
      expect(await runQuery(['--data-dir', dataDir, '--format', 'xml', 'SELECT 1'], usage)).toBe(2);
      expect(usage.err()).toContain('--format must be one of table, csv, json');
    });
  });

  describe('after hcdl compact', () => {
    let compacted: QueryEngine;

    beforeAll(async () => {
      const io = captureIo();
      expect(await runCompact(['--data-dir', dataDir], io)).toBe(0);
      expect(io.out()).toMatch(/^compacted \d+ messages into \d+ partitions \(generation g\w+-\w+\) in \d+ ms\n$/);
      compacted = await QueryEngine.open({ dataDir });
    }, 60_000);
    afterAll(() => compacted?.close());

    it('reads staging from Parquet and gives the same answers', async () => {
      expect((await compacted.ensureStaging()).mode).toBe('parquet');
      for (const [name, sql] of Object.entries(Q)) expect({ name, result: await compacted.query(sql) }).toEqual({ name, result: answers[name] });
      const files = await compacted.query('SELECT count(*) AS n FROM glob(' + `'${stagingJsonGlob(dataDir)}'` + ')');
      expect(files.rows[0]![0]).toBe(messages.filter((m) => m.status === 'staged').length);
    });

    it("removes old generations and stale leftovers, never a newer or running compaction's", async () => {
      const root = parquetStagingDir(dataDir);
      const old = 'g20000101T000000000-aaaaaa';
      const staleTmp = 'g20000101T000000001-bbbbbb.tmp';
      const runningTmp = 'g20000101T000000002-cccccc.tmp';
      const newer = 'g99991231T235959999-dddddd';
      for (const d of [old, staleTmp, runningTmp, newer]) await mkdir(path.join(root, d, 'source=x'), { recursive: true });
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      await utimes(path.join(root, staleTmp), twoHoursAgo, twoHoursAgo);
      const before = (await readManifest(dataDir))!.generation;
      const made = await compactStaging({ dataDir });
      const left = readdirSync(root)
        .filter((f) => f.startsWith('g'))
        .sort();
      expect(left).toEqual([before, made!.generation, runningTmp, newer].sort());
      await rm(path.join(root, runningTmp), { recursive: true });
      await rm(path.join(root, newer), { recursive: true });
    });

    it('still shows staging written after the compaction, then folds it in on the next one', async () => {
      const adt = `MSH|^~\\&|QAPP|QFAC|R|R|20240101120000||ADT^A01^ADT_A01|FRESH-${Date.now()}|P|2.5.1\rEVN|A01|20240101120000\rPID|1||FRESH1^^^QFAC^MR||FRESH^ONE||19800101|F\rPV1|1|I\r`;
      expect(await submit(lake, 'fresh-src', Buffer.from(adt))).toBe(201);
      await lake.idle();
      const fresh = await QueryEngine.open({ dataDir });
      try {
        expect(await fresh.ensureStaging()).toMatchObject({ mode: 'parquet+json', freshFiles: 1 });
        const rows = await fresh.query("SELECT source, msh.message_control_id, pid.patient_name FROM staging WHERE source = 'fresh-src'");
        expect(rows.rows).toEqual([['fresh-src', expect.stringMatching(/^FRESH-/), [{ family_name: { surname: 'FRESH' }, given_name: 'ONE' }]]]);
        const total = await fresh.query('SELECT count(*) FROM staging');
        expect(total.rows[0]![0]).toBe(messages.filter((m) => m.status === 'staged').length + 1);
      } finally {
        fresh.close();
      }
      const first = (await compacted.ensureStaging()).generation;
      const second = await compactStaging({ dataDir });
      const third = await compactStaging({ dataDir });
      const again = await QueryEngine.open({ dataDir });
      try {
        expect(await again.ensureStaging()).toEqual({ mode: 'parquet', freshFiles: 0, generation: third!.generation });
        expect((await again.query("SELECT count(*) FROM staging WHERE source = 'fresh-src'")).rows).toEqual([[1]]);
      } finally {
        again.close();
      }
      // The current and the previous generation are kept, older ones removed.
      const kept = readdirSync(parquetStagingDir(dataDir)).filter((f) => f.startsWith('g'));
      expect(kept.sort()).toEqual([second!.generation, third!.generation].sort());
      expect(kept).not.toContain(first);
    }, 60_000);
  });
});
