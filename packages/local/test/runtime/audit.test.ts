/**
 * The audit trail of a started local lake (docs/adr/0016): writes, reads and denied reads
 * over HTTP each leave a row in the lake's SQLite file, GET /audit answers only a principal
 * with `custom:audit` and records its own reads, and the `audit` SQL view of the query
 * engine (packages/local/src/query) shows the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditRecord } from '@hcdl/lake';
import { openLocalLake, readConfig, startServer, type LocalLake, type RunningServer } from '../../src';
import { QueryEngine } from '../../src/query';

const ADT = `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^A01^ADT_A01|CTL-AUD-1|P|2.5\rEVN|A01|20240102030405\rPID|1||MRN-77^^^HOSP^MR||ROE^RICHARD||19700101|M\rPV1|1|I\r`;

describe('the audit trail of a started lake', () => {
  let dataDir: string;
  let lake: LocalLake;
  let server: RunningServer;
  let tokens: Record<'writer' | 'stranger' | 'auditor', string>;
  let messageId: string;
  let patientId: string;

  const get = async (p: string, token?: string) => {
    const res = await fetch(`${server.url}${p}`, { headers: token !== undefined ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, json: (await res.json()) as any };
  };
  const trail = async (): Promise<AuditRecord[]> => (await lake.adapters.audit.query({ limit: 1000 })).records;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-audit-'));
    lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT' }));
    server = await startServer(lake);
    const issuer = lake.devIssuer as NonNullable<LocalLake['devIssuer']>;
    tokens = {
      writer: await issuer.sign({ sub: 'nurse-1', write: 'ward', read: 'ward' }),
      stranger: await issuer.sign({ sub: 'clerk-9', read: 'elsewhere' }),
      auditor: await issuer.sign({ sub: 'privacy-officer', extra: { 'custom:audit': '*' } }),
    };
    const posted = await fetch(`${server.url}/hl7v2/er7`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.writer}`, 'content-type': 'application/hl7-v2' },
      body: ADT,
    });
    messageId = ((await posted.json()) as { messageId: string }).messageId;
    await lake.idle();
    const read = await get(`/hl7v2/messages/${messageId}`, tokens.writer);
    patientId = read.json.patientId;
    await get(`/hl7v2/messages/${messageId}/staging`, tokens.writer);
    await get(`/hl7v2/messages/${messageId}`, tokens.stranger); // 404 to the caller: denied in the trail
    await get(`/hl7v2/messages/${messageId}/raw`, 'not.a.token'); // 401 from the server's token check
    await get(`/patients/${patientId}`, tokens.writer);
  });
  afterAll(async () => {
    await server.close();
    await lake.idle();
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records the write, the reads and the denied reads, with who, what, outcome and from where', async () => {
    const rows = await trail();
    expect(rows.map((r) => [r.principal, r.action, r.route, r.outcome, r.status])).toEqual([
      ['nurse-1', 'write', '/hl7v2/er7', 'success', 201],
      ['nurse-1', 'read', '/hl7v2/messages/{id}', 'success', 200],
      ['nurse-1', 'read', '/hl7v2/messages/{id}/staging', 'success', 200],
      ['clerk-9', 'read', '/hl7v2/messages/{id}', 'denied', 404],
      ['anonymous', 'read', '/hl7v2/messages/{id}/raw', 'denied', 401],
      ['nurse-1', 'read', '/patients/{id}', 'success', 200],
    ]);
    for (const r of rows) {
      expect(r.client).toMatch(/127\.0\.0\.1/);
      expect(r.entityIds).toEqual([r.route === '/patients/{id}' ? patientId : messageId]);
      // The write is recorded before staging has found the patient.
      expect(r.patientId).toBe(r.action === 'write' ? undefined : patientId);
    }
    expect(rows.slice(0, 5).map((r) => r.source)).toEqual(['ward', 'ward', 'ward', 'ward', 'ward']);
    // Ids only: nothing of the message is in the trail.
    expect(JSON.stringify(rows)).not.toMatch(/ROE|RICHARD|MRN-77|CTL-AUD-1/);
  });

  it('GET /audit: 401 without a token, 403 without custom:audit, the trail for an auditor; every call itself audited', async () => {
    expect((await get('/audit')).status).toBe(401);
    expect((await get('/audit', tokens.writer)).status).toBe(403);
    const page = await get(`/audit?entity=${messageId}&outcome=denied`, tokens.auditor);
    expect(page.status).toBe(200);
    expect(page.json.items.map((r: AuditRecord) => r.principal)).toEqual(['clerk-9', 'anonymous']);
    const own = (await trail()).filter((r) => r.route === '/audit');
    expect(own.map((r) => [r.principal, r.outcome, r.status])).toEqual([
      ['anonymous', 'denied', 401],
      ['nurse-1', 'denied', 403],
      ['privacy-officer', 'success', 200],
    ]);
  });

  it('is the `audit` SQL view of the query engine', async () => {
    await lake.adapters.group.settled();
    const engine = await QueryEngine.open({ dataDir, threads: 1 });
    try {
      const r = await engine.query(
        `SELECT principal, action, route, outcome, status, list_contains(entity_ids, '${messageId}') AS names_message FROM audit WHERE route LIKE '/hl7v2/messages%' ORDER BY audit_id`,
      );
      expect(r.rows).toEqual([
        ['nurse-1', 'read', '/hl7v2/messages/{id}', 'success', 200, true],
        ['nurse-1', 'read', '/hl7v2/messages/{id}/staging', 'success', 200, true],
        ['clerk-9', 'read', '/hl7v2/messages/{id}', 'denied', 404, true],
        ['anonymous', 'read', '/hl7v2/messages/{id}/raw', 'denied', 401, true],
      ]);
      const who = await engine.query(
        `SELECT principal, count(*)::INTEGER AS n FROM audit WHERE patient_id = '${patientId}' GROUP BY principal ORDER BY principal`,
      );
      expect(who.rows).toEqual([
        ['anonymous', 1],
        ['clerk-9', 1],
        ['nurse-1', 3],
      ]);
    } finally {
      engine.close();
    }
  });
});
