/**
 * Issue 15 item 8 for `hcdl query`: each run on the local lake is in the audit trail (OS user,
 * host, the views the SQL names, a SHA-256 of the SQL, the rows, the outcome), never the SQL
 * text; `GET /audit` and the `audit` view show it, a query of the trail included.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import type { AuditRecord } from '@hcdl/lake';
import { startServer, type LocalLake, type RunningServer } from '../../src';
import { runQuery } from '../../src/cli/commands/query';
import { osPrincipal } from '../../src/query/query-audit';
import { captureIo, openTempLake, submit } from './support';

const ADT = `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^A01^ADT_A01|CTL-QA-1|P|2.5\rEVN|A01|20240102030405\rPID|1||MRN-QA-9^^^HOSP^MR||ROE^RICHARD||19700101|M\rPV1|1|I\r`;
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('the audit trail of hcdl query', () => {
  let dataDir: string;
  let lake: LocalLake;
  let server: RunningServer;
  const queries = async (): Promise<AuditRecord[]> => (await lake.adapters.audit.query({ action: 'query', limit: 100 })).records;
  const query = async (sql: string, format = 'json'): Promise<{ code: number; out: string; err: string }> => {
    const io = captureIo();
    const code = await runQuery(['--data-dir', dataDir, '--format', format, sql], io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    ({ dataDir, lake } = await openTempLake());
    server = await startServer(lake);
    expect(await submit(lake, 'ward', Buffer.from(ADT, 'latin1'))).toBe(201);
    await lake.idle();
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await lake.idle();
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records a run: the OS user, the host, the views named, the SQL hash and the row count; never the SQL text', async () => {
    const sql = "SELECT m.message_id FROM messages m JOIN patient_identifiers p USING (patient_id) WHERE p.value = 'MRN-QA-9'";
    const r = await query(sql);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(1);
    const [record] = await queries();
    expect(record).toMatchObject({
      principal: osPrincipal(),
      client: os.hostname(),
      action: 'query',
      method: 'SQL',
      route: 'hcdl query',
      entityType: 'view',
      entityIds: ['messages', 'patient_identifiers'],
      outcome: 'success',
      status: 0,
      count: 1,
      sqlSha256: sha256(sql),
    });
    expect(osPrincipal()).toMatch(/^os:.+/);
    // The identifier the WHERE clause holds is not in the trail.
    expect(JSON.stringify(await queries())).not.toMatch(/MRN-QA-9|ROE/);
  }, 120_000);

  it('records a refused SQL as invalid, and prints no rows', async () => {
    const sql = 'SELECT no_such_column FROM messages';
    const r = await query(sql);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const last = (await queries()).at(-1);
    expect(last).toMatchObject({ outcome: 'invalid', entityIds: ['messages'], sqlSha256: sha256(sql) });
    expect(last?.count).toBeUndefined();
  }, 120_000);

  it('a query of the audit view is itself recorded; GET /audit shows the runs to an auditor', async () => {
    const sql = "SELECT action, outcome, count FROM audit WHERE action = 'query' ORDER BY audit_id";
    const r = await query(sql);
    expect(r.code).toBe(0);
    // The view is a snapshot taken before this run's own record.
    expect(JSON.parse(r.out)).toEqual([
      { action: 'query', outcome: 'success', count: 1 },
      { action: 'query', outcome: 'invalid', count: null },
    ]);
    const all = await queries();
    expect(all.map((a) => [a.outcome, a.entityIds])).toEqual([
      ['success', ['messages', 'patient_identifiers']],
      ['invalid', ['messages']],
      ['success', ['audit']],
    ]);

    const auditor = await (lake.devIssuer as NonNullable<LocalLake['devIssuer']>).sign({ sub: 'privacy-officer', extra: { 'custom:audit': '*' } });
    const res = await fetch(`${server.url}/audit?action=query`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: AuditRecord[] };
    expect(page.items.map((a) => [a.principal, a.sqlSha256])).toEqual(all.map((a) => [osPrincipal(), a.sqlSha256]));
  }, 120_000);
});
