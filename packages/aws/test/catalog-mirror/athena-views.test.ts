/**
 * The README's questions about the catalog, in SQL that DuckDB and Athena (Trino) both accept,
 * give the same answer from the local views and from the catalog mirror read with the Glue
 * tables' schema; `hcdl query --athena` sends exactly that SQL to the lake database.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CATALOG_VIEW_COLUMNS, PATIENT_IDENTIFIER_PARTS } from '@hcdl/lake';
import { errorRecord, messageRecord, T0 } from '@hcdl/lake/testing';
// The local lake, engine and CLI live in @hcdl/local, which depends on this package.
import { createLocalAdapters } from '../../../local/src/adapters/local-adapters';
import { QueryEngine } from '../../../local/src/query/engine';
import { runQuery } from '../../../local/src/cli/commands/query';
import { MirroredCatalog } from '../../src/index';
import { ATHENA_CLI_ENV, capturedIo, useProcessEnv } from '../support/athena-cli';

/** The README's catalog questions, written once for both engines (GROUP BY ordinals, no GROUP BY ALL). */
const CATALOG_QUESTIONS = {
  'messages per facility per day':
    "SELECT coalesce(sending_facility, '(none)') AS facility, CAST(received_at AS DATE) AS day, count(*) AS messages FROM messages GROUP BY 1, 2 ORDER BY facility, day",
  'patients with more than one MRN':
    "SELECT patient_id, count(*) AS mrns FROM patient_identifiers WHERE identifier_type = 'MR' GROUP BY patient_id HAVING count(*) > 1 ORDER BY patient_id",
  'error codes by sender':
    "SELECT m.source AS sender, e.code, count(*) AS errors FROM errors e JOIN messages m ON e.message_id = m.message_id WHERE e.severity = 'error' GROUP BY 1, 2 ORDER BY sender, e.code",
} as const;

const DAY = 24 * 3600 * 1000;
let dataDir: string;
let emptyDir: string;
let local: QueryEngine;
let mirror: QueryEngine;

/** Fills a lake through MirroredCatalog: SQLite rows for the local views, NDJSON under catalog/ for Athena. */
async function seed(): Promise<void> {
  const adapters = createLocalAdapters({ dataDir });
  try {
    const catalog = new MirroredCatalog(adapters.catalog, adapters.objectStore);
    const specs = [
      { source: 'clinic-a', ms: T0, facility: 'NORTH', errors: ['BAD_SEGMENT', 'NO_MSH'], patient: 'P1' },
      { source: 'clinic-a', ms: T0 + 1000, facility: 'NORTH', errors: [], patient: 'P1' },
      { source: 'clinic-a', ms: T0 + DAY, facility: undefined, errors: ['NO_MSH'], patient: undefined },
      { source: 'lab-b', ms: T0 + 2000, facility: 'LAB', errors: ['TRUNCATED'], patient: 'P2' },
      { source: 'lab-b', ms: T0 + DAY + 5, facility: 'LAB', errors: [], patient: 'P3' },
    ];
    for (const [i, s] of specs.entries()) {
      const m = messageRecord(s.source, s.ms, s.facility === undefined ? {} : { sendingFacility: s.facility });
      await catalog.putMessage(m);
      if (s.errors.length > 0) {
        // The error zone's use-case: the attempt's diagnostics, then the status (which writes their mirror).
        await catalog.putErrors([
          ...s.errors.map((code) => errorRecord(m.messageId, 1, code, m.receivedAt)),
          errorRecord(m.messageId, 1, 'W', m.receivedAt, { severity: 'warning' }),
        ]);
        await catalog.updateMessage(m.messageId, { status: 'error', attempts: 1 }, 'ingested');
      } else {
        await catalog.updateMessage(m.messageId, { status: 'staged', attempts: 1, ...(s.patient !== undefined ? { patientId: s.patient } : {}) }, 'ingested');
      }
      if (s.patient !== undefined) {
        const row = (identifier: string) => ({
          identifier,
          patientId: s.patient!,
          source: s.source,
          firstSeenMessageId: m.messageId,
          firstSeenAt: m.receivedAt,
        });
        await catalog.putPatientIdentifiers([row(`HOSP#MR#${s.patient}-${i}`), row(`SSA#SS#${s.patient}-${i}`)]);
      }
    }
  } finally {
    await adapters.close();
  }
}

/** What Athena reads: each view's NDJSON with the Glue table's columns (partition keys from the path). */
async function mirrorViews(engine: QueryEngine): Promise<void> {
  const zones = path.join(dataDir, 'zones', 'catalog');
  const struct = (cols: readonly (readonly [string, string])[]) => `{${cols.map(([n, t]) => `'${n}': '${t}'`).join(', ')}}`;
  for (const view of ['messages', 'errors', 'patient_identifiers'] as const) {
    const partitioned = view !== 'patient_identifiers';
    const cols: [string, string][] = CATALOG_VIEW_COLUMNS[view].filter((c) => !(partitioned && c.name === 'source')).map((c) => [c.name, c.type]);
    if (view === 'patient_identifiers') cols.push(...PATIENT_IDENTIFIER_PARTS.map((p): [string, string] => [p, 'VARCHAR']));
    // The objects only: the folder store keeps `<key>.meta.json` sidecars beside them (S3 does not).
    const files = (await readdir(path.join(zones, view), { recursive: true })).filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json'));
    const list = `[${files.map((f) => `'${path.join(zones, view, f)}'`).join(', ')}]`;
    await engine.query(
      `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM read_json(${list}, format = 'newline_delimited', hive_partitioning = ${partitioned}, columns = ${struct(cols)})`,
    );
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-athena-views-'));
  emptyDir = await mkdtemp(path.join(tmpdir(), 'hcdl-athena-views-empty-'));
  await seed();
  // The mirror's engine needs a lake to open (an empty catalog); its views are replaced below.
  await createLocalAdapters({ dataDir: emptyDir }).close();
  local = await QueryEngine.open({ dataDir, threads: 1 });
  mirror = await QueryEngine.open({ dataDir: emptyDir, threads: 1 });
  await mirrorViews(mirror);
}, 30_000);

afterAll(async () => {
  local?.close();
  mirror?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(emptyDir, { recursive: true, force: true });
});

describe('the README catalog questions on the mirror', () => {
  it('answer the same from the local views and from the mirror files', async () => {
    const answers: Record<string, unknown[][]> = {};
    for (const [question, sql] of Object.entries(CATALOG_QUESTIONS)) {
      const [a, b] = [await local.query(sql), await mirror.query(sql)];
      expect([question, b.columns.map((c) => c.name)]).toEqual([question, a.columns.map((c) => c.name)]);
      expect([question, b.rows]).toEqual([question, a.rows]);
      answers[question] = a.rows;
    }
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(answers['messages per facility per day']!.map((r) => [r[0], String(r[1]), r[2]])).toEqual([
      ['(none)', day(T0 + DAY), 1],
      ['LAB', day(T0), 1],
      ['LAB', day(T0 + DAY), 1],
      ['NORTH', day(T0), 2],
    ]);
    expect(answers['patients with more than one MRN']).toEqual([['P1', 2]]);
    expect(answers['error codes by sender']).toEqual([
      ['clinic-a', 'BAD_SEGMENT', 1],
      ['clinic-a', 'NO_MSH', 2],
      ['lab-b', 'TRUNCATED', 1],
    ]);
  });

  it("every view has the local view's columns", async () => {
    for (const view of ['messages', 'errors', 'patient_identifiers']) {
      const names = async (e: QueryEngine) => (await e.query(`SELECT * FROM ${view} LIMIT 0`)).columns.map((c) => c.name).sort();
      const extra = view === 'patient_identifiers' ? [] : ['dt', ...(view === 'errors' ? ['source'] : [])];
      expect([view, await names(mirror)]).toEqual([view, [...(await names(local)), ...extra].sort()]);
    }
  });
});

describe('hcdl query --athena sends the same SQL', () => {
  const athena = mockClient(AthenaClient);
  useProcessEnv(ATHENA_CLI_ENV);
  afterAll(() => {
    athena.restore();
  });

  it.each(Object.entries(CATALOG_QUESTIONS))('%s', async (_question, sql) => {
    athena.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { StatementType: 'DML', Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] },
        Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '7' }] }],
      },
    });
    const cli = capturedIo();
    expect(await runQuery(['--athena', '--format', 'json', sql], cli)).toBe(0);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryString: sql, WorkGroup: 'hcdl-dev-analytics', QueryExecutionContext: { Database: 'hcdl_dev_lake' } },
    ]);
    expect(cli.out()).toContain('7');
  });
});
