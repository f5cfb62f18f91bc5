/**
 * Observability of a started local lake (docs/adr/0016): one access log line per request with
 * the route template and no PHI, failed staging at WARN, the log level honoured and checked,
 * Prometheus metrics counted from real requests, and /health that checks the catalog and the
 * zones are writable (503 when the catalog refuses writes).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, openLocalLake, readConfig, startServer, type LocalLake, type RunningServer } from '../../src';

const PHI = ['DOE', 'JANE', 'MRN-40417', 'CTL-OBS-1', '19800101'];
const ADT = `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^A01^ADT_A01|CTL-OBS-1|P|2.5\rEVN|A01|20240102030405\rPID|1||MRN-40417^^^HOSP^MR||DOE^JANE||19800101|F\rPV1|1|I\r`;
/** Has an MSH, so it is stored; then fails to parse (lines that are not segments). */
const BROKEN = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|CTL-OBS-2|P|2.5\rEVN|A01|20240101\r1234 garbage DOE\r\x01\x02 more\rPID|1||42^^^H^MR\r';

interface Line {
  level: string;
  message: string;
  [k: string]: unknown;
}

/** Starts a lake whose stdout (Powertools' JSON lines) is captured. */
async function startCaptured(env: Record<string, string>) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-observe-'));
  const chunks: string[] = [];
  // Powertools writes INFO and DEBUG to stdout, WARN and above to stderr.
  const keep = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(keep), jest.spyOn(process.stderr, 'write').mockImplementation(keep)];
  const lake = await openLocalLake(readConfig({ HCDL_PORT: '0', HCDL_DATA_DIR: dataDir, HCDL_MAX_BODY_BYTES: '4096', ...env }));
  const server = await startServer(lake);
  const token = (claims: { write?: string; read?: string }) => (lake.devIssuer as NonNullable<LocalLake['devIssuer']>).sign({ sub: 'obs-user', ...claims });
  return {
    lake,
    server,
    token,
    text: () => chunks.join(''),
    lines: (): Line[] =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Line),
    async close() {
      await server.close();
      await lake.idle();
      await lake.close();
      for (const spy of spies) spy.mockRestore();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type Started = Awaited<ReturnType<typeof startCaptured>>;

const call = (s: Started, method: string, p: string, o: { token?: string; type?: string; body?: string } = {}) =>
  fetch(`${s.server.url}${p}`, {
    method,
    headers: { ...(o.token !== undefined ? { authorization: `Bearer ${o.token}` } : {}), ...(o.type !== undefined ? { 'content-type': o.type } : {}) },
    ...(o.body !== undefined ? { body: o.body } : {}),
  });

describe('a started lake at INFO', () => {
  let s: Started;
  let messageId: string;
  let statuses: number[];

  beforeAll(async () => {
    s = await startCaptured({ HCDL_LOG_LEVEL: 'INFO' });
    const writer = await s.token({ write: 'north', read: 'north' });
    const other = await s.token({ read: 'south' });
    const answers: Response[] = [];
    const posted = await call(s, 'POST', '/hl7v2/er7', { token: writer, type: 'application/hl7-v2', body: ADT });
    answers.push(posted);
    messageId = ((await posted.json()) as { messageId: string }).messageId;
    answers.push(await call(s, 'POST', '/hl7v2/er7', { token: writer, type: 'application/hl7-v2', body: BROKEN }));
    answers.push(await call(s, 'POST', '/hl7v2/er7', { type: 'application/hl7-v2', body: ADT })); // 401 no token
    answers.push(await call(s, 'POST', '/hl7v2/er7', { token: 'not.a.jwt', type: 'application/hl7-v2', body: ADT })); // 401 bad token
    answers.push(await call(s, 'POST', '/hl7v2/er7', { token: other, type: 'application/hl7-v2', body: ADT })); // 403 no write claim
    answers.push(await call(s, 'POST', '/hl7v2/er7', { token: writer, type: 'image/png', body: ADT })); // 415
    answers.push(await call(s, 'POST', '/hl7v2/er7', { token: writer, type: 'application/hl7-v2', body: ADT.repeat(40) })); // 413
    answers.push(await call(s, 'POST', '/hl7v2/er7', { token: writer, type: 'application/hl7-v2', body: ADT })); // 409
    await s.lake.idle();
    answers.push(await call(s, 'GET', `/hl7v2/messages/${messageId}`, { token: writer }));
    answers.push(await call(s, 'GET', `/hl7v2/messages/${messageId}`, { token: other })); // 404: another source
    answers.push(await call(s, 'GET', `/patients?identifier=${encodeURIComponent('HOSP#MR#MRN-40417')}`, { token: writer }));
    answers.push(await call(s, 'GET', '/nope', { token: writer }));
    statuses = [];
    for (const a of answers) {
      statuses.push(a.status);
      if (!a.bodyUsed) await a.arrayBuffer();
    }
  });
  afterAll(async () => s.close());

  it('answered what each request asked for', () => {
    expect(statuses).toEqual([201, 201, 401, 401, 403, 415, 413, 409, 200, 404, 200, 404]);
  });

  it('logs one access line per request: method, route template, status, duration, principal', () => {
    const access = s.lines().filter((l) => l.message === 'request');
    expect(access.map((l) => [l.method, l.route, l.status])).toEqual([
      ['POST', '/hl7v2/er7', 201],
      ['POST', '/hl7v2/er7', 201],
      ['POST', '/hl7v2/er7', 401],
      ['POST', '/hl7v2/er7', 401],
      ['POST', '/hl7v2/er7', 403],
      ['POST', '/hl7v2/er7', 415],
      ['POST', '/hl7v2/er7', 413],
      ['POST', '/hl7v2/er7', 409],
      ['GET', '/hl7v2/messages/{id}', 200],
      ['GET', '/hl7v2/messages/{id}', 404],
      ['GET', '/patients', 200],
      ['GET', 'unmatched', 404],
    ]);
    // No route, no token check: an unknown path is logged as anonymous.
    expect(access.map((l) => l.principal)).toEqual([...Array(2).fill('obs-user'), 'anonymous', 'anonymous', ...Array(7).fill('obs-user'), 'anonymous']);
    for (const l of access) expect(typeof l.durationMs === 'number' && l.durationMs >= 0).toBe(true);
    expect(access.map((l) => l.level)).toEqual(['INFO', 'INFO', 'WARN', 'WARN', 'WARN', 'WARN', 'WARN', 'WARN', 'INFO', 'WARN', 'INFO', 'WARN']);
  });

  it('logs no PHI, no query value and no id from a path', () => {
    const text = s.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [...PHI, 'garbage', 'HOSP#MR', 'identifier=']) expect(text).not.toContain(secret);
    for (const l of s.lines().filter((x) => x.message === 'request')) expect(JSON.stringify(l)).not.toContain(messageId);
  });

  it('logs the failed staging at WARN, and no DEBUG line at INFO', () => {
    const lines = s.lines();
    expect(lines.filter((l) => l.message === 'staging failed').map((l) => l.level)).toEqual(['WARN']);
    expect(lines.filter((l) => l.level === 'DEBUG')).toEqual([]);
  });

  it('counts the requests in /metrics', async () => {
    const res = await call(s, 'GET', '/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (line === undefined) throw new Error(`no series ${series} in /metrics`);
      return Number(line.slice(series.length + 1));
    };
    expect(value('hcdl_http_requests_total{method="POST",route="/hl7v2/er7",status="201"}')).toBe(2);
    expect(value('hcdl_http_requests_total{method="POST",route="/hl7v2/er7",status="401"}')).toBe(2);
    expect(value('hcdl_http_requests_total{method="GET",route="/hl7v2/messages/{id}",status="200"}')).toBe(1);
    expect(value('hcdl_http_request_duration_seconds_count{method="POST",route="/hl7v2/er7"}')).toBe(8);
    expect(value('hcdl_ingest_requests_total{transport="http",outcome="ingested"}')).toBe(2);
    expect(value('hcdl_ingest_requests_total{transport="http",outcome="duplicate"}')).toBe(1);
    expect(value('hcdl_ingest_requests_total{transport="http",outcome="too-large"}')).toBe(1);
    expect(value('hcdl_ingest_requests_total{transport="http",outcome="unsupported-media-type"}')).toBe(1);
    expect(value('hcdl_messages_ingested_total')).toBe(2);
    expect(value('hcdl_staging_outcomes_total{outcome="staged"}')).toBe(1);
    expect(value('hcdl_staging_outcomes_total{outcome="failed"}')).toBe(1);
    expect(value('hcdl_staging_lag_seconds_count{outcome="failed"}')).toBe(1);
    expect(value('hcdl_staging_backlog_messages')).toBe(0);
    expect(value('hcdl_mllp_connections')).toBe(0);
    // Labels are templates: no id in any series.
    expect(text).not.toContain(messageId);
  });

  it('/health checks the catalog and the zones, and answers 503 when the catalog refuses writes', async () => {
    const ok = await call(s, 'GET', '/health');
    const healthy = (await ok.json()) as { status: string; checks: Record<string, { ok: boolean }>; staging: { waiting: number } };
    expect([ok.status, healthy.status, healthy.checks.catalog?.ok, healthy.checks.zones?.ok, healthy.staging.waiting]).toEqual([200, 'ok', true, true, 0]);
    // The connection refuses every write from now on, as a read-only or broken file would.
    s.lake.adapters.db.pragma('query_only = ON');
    try {
      const bad = await call(s, 'GET', '/health');
      const body = (await bad.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
      expect([bad.status, body.status, body.checks.catalog?.ok, body.checks.zones?.ok]).toEqual([503, 'unhealthy', false, true]);
      expect(body.checks.catalog?.error).toContain('SQLITE_READONLY');
    } finally {
      s.lake.adapters.db.pragma('query_only = OFF');
    }
    expect((await call(s, 'GET', '/health')).status).toBe(200);
  });
});

describe('/health and the refined thread', () => {
  it('shows the thread, and answers 503 once it has stopped', async () => {
    // A lake of its own: this test stops the thread.
    const s = await startCaptured({});
    try {
      const ok = (await (await call(s, 'GET', '/health')).json()) as {
        checks: Record<string, { ok: boolean }>;
        refined: { inWork: number; waiting: number; nice: number | null };
      };
      expect([ok.checks.refined?.ok, ok.refined.inWork, ok.refined.waiting]).toEqual([true, 0, 0]);
      // The thread yields to ingest and staging: 10 nice steps below the lake's thread (Linux; elsewhere unchanged).
      if (process.platform === 'linux') expect(ok.refined.nice).toBe(Math.min(19, os.getPriority() + 10));
      const thread = s.lake.refinedThread;
      if (thread === undefined) throw new Error('the lake runs its refined stage in a thread');
      await thread.close(false);
      const bad = await call(s, 'GET', '/health');
      const body = (await bad.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
      expect([bad.status, body.status, body.checks.refined?.ok, body.checks.refined?.error, body.checks.catalog?.ok]).toEqual([
        503,
        'unhealthy',
        false,
        'RefinedThreadStopped',
        true,
      ]);
    } finally {
      await s.close();
    }
  });
});

describe('the log level', () => {
  it('DEBUG adds the request detail lines', async () => {
    const s = await startCaptured({ HCDL_LOG_LEVEL: 'debug' });
    try {
      await (await call(s, 'GET', '/health')).arrayBuffer();
      const detail = s.lines().filter((l) => l.message === 'request detail');
      expect(detail.map((l) => [l.level, l.route, l.status])).toEqual([['DEBUG', '/health', 200]]);
    } finally {
      await s.close();
    }
  });

  it('an unknown level is refused by the configuration', () => {
    expect(() => readConfig({ HCDL_LOG_LEVEL: 'LOUD' })).toThrow(ConfigError);
    expect(() => readConfig({ HCDL_LOG_LEVEL: 'LOUD' })).toThrow('HCDL_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT');
    expect(readConfig({ HCDL_LOG_LEVEL: 'warn' }).logLevel).toBe('WARN');
  });

  it('`hcdl serve` with an unknown level refuses to start with a one-line error', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-observe-cli-'));
    try {
      const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
      const main = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          tsx,
          [main, 'serve'],
          { env: { ...process.env, HCDL_LOG_LEVEL: 'LOUD', HCDL_PORT: '0', HCDL_DATA_DIR: dataDir }, timeout: 60_000 },
          (err, stdout, stderr) => resolve({ code: child.exitCode ?? (err as { code?: number } | null)?.code ?? null, stdout, stderr }),
        );
      });
      // A bad setting is a usage error of `hcdl serve` (exit 2): its line, then the usage line.
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')[0]).toBe('hcdl serve: HCDL_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
