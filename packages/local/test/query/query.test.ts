/**
 * `hcdl query` over a local lake holding the whole HL7 corpus, ingested through the real
 * front door: the issue's questions answered in SQL and checked against answers computed
 * independently (the Catalog port, the staging files, the parser on the raw zone, the patient
 * index's survivorOf); the same answers after `hcdl compact` (from Parquet); output formats
 * and a located SQL error. Compaction's freshness and generations: compact.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cxIdentifiers, survivorOf, type ErrorRecord, type MessageRecord, type PatientIdentifierRecord } from '@hcdl/lake';
import { parseMessage } from '@hcdl/hl7v2';
import type { LocalLake } from '../../src';
import { runCompact } from '../../src/cli/commands/compact';
import { runQuery } from '../../src/cli/commands/query';
import { QueryEngine, SqlError, type QueryResult } from '../../src/query';
import { captureIo, ingestCorpus, openTempLake } from './support';

const Q = {
  perFacilityPerDay: `SELECT coalesce(sending_facility, '(none)') AS facility, CAST(received_at AS DATE) AS day, count(*) AS messages
    FROM messages GROUP BY ALL ORDER BY facility, day`,
  moreThanOneMrn: `SELECT patient_id, count(*) AS mrns, list(value ORDER BY value) AS mrn_values
    FROM patient_identifiers WHERE identifier_type = 'MR' GROUP BY patient_id HAVING count(*) > 1 ORDER BY patient_id`,
  errorCodesBySender: `SELECT m.source AS sender, e.code, count(*) AS errors
    FROM errors e JOIN messages m USING (message_id) WHERE e.severity = 'error' GROUP BY ALL ORDER BY sender, e.code`,
  sample: `SELECT msh.message_control_id, pid.patient_name FROM staging WHERE type = 'ADT_A01' ORDER BY message_id`,
  typesFromStaging: `SELECT source, type, dt, count(*) AS n FROM staging GROUP BY ALL ORDER BY ALL`,
  controlIds: 'SELECT message_id, msh.message_control_id FROM staging ORDER BY message_id',
  controlIdLike: "SELECT message_id FROM staging WHERE msh.message_control_id LIKE 'MSG%' ORDER BY message_id",
  pid3: `SELECT message_id, list(value ORDER BY rep) AS ids FROM fields
    WHERE segment = 'PID' AND seq = 1 AND field = 3 AND component = 1 AND sub = 1 GROUP BY message_id ORDER BY message_id`,
  patientMessages: 'SELECT patient_id, message_id FROM patient_messages ORDER BY patient_id, message_id',
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
const byId = <T extends { messageId: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.messageId < b.messageId ? -1 : 1));

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
  let staged: MessageRecord[];
  let engine: QueryEngine;
  const answers: Record<string, QueryResult> = {};

  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    await ingestCorpus(lake);
    messages = await allMessages(lake);
    staged = messages.filter((m) => m.status === 'staged');
    engine = await QueryEngine.open({ dataDir });
    for (const [name, sql] of Object.entries(Q)) answers[name] = await engine.query(sql);
  }, 600_000);

  afterAll(async () => {
    engine?.close();
    await lake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('copies the whole catalog and reads staging JSON when the lake was never compacted', async () => {
    expect(engine.catalog).toMatchObject({ mode: 'copy' });
    expect(engine.catalogRows?.messages).toBe(messages.length);
    expect(engine.staging).toEqual({ mode: 'json', freshFiles: 0 });
    expect(engine.fields).toEqual({ mode: 'json', walkedFiles: staged.length });
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

  it("answers the reference sample's query: msh.message_control_id is text, pid.patient_name JSON", () => {
    const docs = stagingDocs(dataDir, 'ADT_A01');
    expect(docs.length).toBeGreaterThan(20);
    expect(answers.sample!.columns).toEqual([
      { name: 'message_control_id', type: 'VARCHAR' },
      { name: 'patient_name', type: 'JSON' },
    ]);
    expect(answers.sample!.rows).toEqual(docs.map(({ doc }) => [doc.msh.message_control_id ?? null, doc.pid?.patient_name ?? null]));
  });

  it('compares msh.message_control_id as text with =, LIKE and IN (the catalog says which messages have which MSH-10)', async () => {
    expect(answers.controlIds!.rows).toEqual(byId(staged).map((m) => [m.messageId, m.controlId ?? null]));
    const like = byId(staged.filter((m) => m.controlId?.startsWith('MSG')));
    expect(like.length).toBeGreaterThan(10);
    expect(answers.controlIdLike!.rows).toEqual(like.map((m) => [m.messageId]));
    // Control ids are not unique across the corpus: = must find every message that has one.
    const counts = countBy(staged.flatMap((m) => (m.controlId === undefined ? [] : [m.controlId])));
    const picked = [...counts.keys()].filter((c) => !c.includes("'")).slice(0, 10);
    for (const id of picked) {
      const got = await engine.query(`SELECT count(*) FROM staging WHERE msh.message_control_id = '${id}'`);
      expect({ id, n: got.rows[0]![0] }).toEqual({ id, n: counts.get(id) });
    }
    const three = picked.slice(0, 3);
    const inList = await engine.query(`SELECT count(*) FROM staging WHERE msh.message_control_id IN (${three.map((c) => `'${c}'`).join(', ')})`);
    expect(inList.rows[0]![0]).toBe(three.reduce((n, c) => n + (counts.get(c) ?? 0), 0));
  }, 60_000);

  it('types msh the same way whatever the version: lists 1-based, version-dependent elements as text', async () => {
    const res = await engine.query(
      'SELECT _meta.version, msh.message_type.message_code, msh.character_set[1], typeof(msh.date_time_of_message), typeof(msh.character_set) FROM staging WHERE msh.character_set IS NOT NULL ORDER BY message_id',
    );
    expect(res.rows.length).toBeGreaterThan(3);
    for (const [, code, charset, t1, t2] of res.rows) {
      expect(typeof code === 'string' || code === null).toBe(true);
      expect(typeof charset).toBe('string');
      expect([t1, t2]).toEqual(['VARCHAR', 'VARCHAR[]']);
    }
  });

  it('runs the sample query over every message type (segments of differing shapes are JSON)', async () => {
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
    const expected = sortedEntries(countBy(staged.map((m) => `${m.source}\u0000${m.structure ?? 'UNKNOWN'}\u0000${m.receivedAt.slice(0, 10)}`)));
    expect(answers.typesFromStaging!.rows.map(([s, t, d, n]) => [`${s}\u0000${t}\u0000${d}`, n])).toEqual(expected);
  });

  it('gives PID-3 values at their HL7 position, as the parser reads them from the raw zone', async () => {
    const expected: [string, string[]][] = [];
    for (const m of byId(staged)) {
      const raw = await lake.adapters.objectStore.get(m.rawKey);
      const pid = parseMessage(raw!.body).segmentsById('PID')[0];
      const ids = pid === undefined ? [] : cxIdentifiers(pid, 3).map((i) => i.value);
      if (ids.length > 0) expected.push([m.messageId, ids]);
    }
    expect(expected.length).toBeGreaterThan(100);
    // cxIdentifiers trims values and skips blank ones; so does the comparison.
    const got = answers
      .pid3!.rows.map(([id, ids]): [string, string[]] => [id as string, (ids as string[]).map((v) => v.trim()).filter((v) => v !== '')])
      .filter(([, ids]) => ids.length > 0);
    expect(got).toEqual(expected);
  }, 60_000);

  it('lists the messages of each patient under the patient it survives as (survivorOf of @hcdl/lake)', async () => {
    const expected: string[] = [];
    for (const m of messages) if (m.patientId !== undefined) expected.push(`${await survivorOf(lake.adapters.catalog, m.patientId)} ${m.messageId}`);
    expect(expected.length).toBeGreaterThan(100);
    expect(answers.patientMessages!.rows.map(([p, id]) => `${p} ${id}`)).toEqual(expected.sort());
  });

  it('defines staging and fields only for SQL that may use them', async () => {
    const lazy = await QueryEngine.open({ dataDir });
    try {
      expect((await lazy.query('SELECT count(*) FROM messages')).rows).toEqual([[messages.length]]);
      expect(lazy.staging).toBeUndefined();
      expect(lazy.fields).toBeUndefined();
      expect((await lazy.query('SELECT count(*) FROM STAGING')).rows).toEqual([[staged.length]]);
      expect(lazy.staging).toEqual({ mode: 'json', freshFiles: 0 });
      expect(lazy.fields).toBeUndefined();
    } finally {
      lazy.close();
    }
    const listing = await QueryEngine.open({ dataDir });
    try {
      const tables = await listing.query('SHOW TABLES');
      expect(tables.rows.map((r) => r[0])).toEqual(
        expect.arrayContaining(['messages', 'errors', 'patient_identifiers', 'patient_messages', 'patient_survivors', 'staging', 'fields']),
      );
      // Listing did not walk every document for `fields`; naming it does.
      expect(listing.fields).toBeUndefined();
      expect((await listing.query('SELECT count(DISTINCT message_id) FROM fields')).rows).toEqual([[staged.length]]);
      expect(listing.fields).toEqual({ mode: 'json', walkedFiles: staged.length });
    } finally {
      listing.close();
    }
  }, 60_000);

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
      expect(io.err()).toMatch(/^(hcdl query: the lake is not compacted.*\n)?$/);
      expect(code).toBe(0);
      const error = messages.filter((m) => m.status === 'error').length;
      const w = Math.max(String(staged.length).length, String(error).length, 1);
      expect(io.out()).toBe(
        [
          'status | ' + 'n'.padStart(w),
          '-------+-' + '-'.repeat(w),
          `error  | ${String(error).padStart(w)}`,
          `staged | ${String(staged.length).padStart(w)}`,
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
      expect(usage.err()).toContain("option '-f, --format <format>' argument 'xml' is invalid. one of table, csv, json is expected");
    });
  });

  describe('after hcdl compact', () => {
    let compacted: QueryEngine;

    beforeAll(async () => {
      const io = captureIo();
      expect(await runCompact(['--data-dir', dataDir], io)).toBe(0);
      expect(io.out()).toMatch(
        /^compacted \d+ messages into \d+ partitions, \d+ fields rows and a catalog snapshot of \d+ messages \(generation g\w+-\w+\) in \d+ ms \(catalog \d+, fields \d+, staging \d+\)\n$/,
      );
      compacted = await QueryEngine.open({ dataDir });
    }, 120_000);
    afterAll(() => compacted?.close());

    it('reads the catalog snapshot, staging and fields from Parquet and gives the same answers', async () => {
      // Messages not staged in the snapshot (here: in error) are read again; nothing else changed.
      const unsettled = messages.length - staged.length;
      expect(unsettled).toBeGreaterThan(10);
      expect(compacted.catalog).toEqual({
        mode: 'snapshot',
        rows: { messages: unsettled, errors: 0, patient_identifiers: 0, patient_links: 0, patient_merges: 0, patient_conflicts: 0 },
      });
      for (const [name, sql] of Object.entries(Q)) expect({ name, result: await compacted.query(sql) }).toEqual({ name, result: answers[name] });
      expect(compacted.staging).toMatchObject({ mode: 'parquet', freshFiles: 0 });
      expect(compacted.fields).toEqual({ mode: 'parquet', walkedFiles: 0 });
    }, 60_000);
  });
});
