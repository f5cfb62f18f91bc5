/**
 * scripts/smoke.mjs (what the deploy pipeline runs after a deploy, `pnpm smoke --upload`)
 * against the Lambda bundles as deployed, behind a loopback stand-in for API Gateway: HTTP
 * requests become payload v2 events for the front door and the query API (the bearer token
 * stands for the claims API Gateway's JWT authorizer would have verified), the presigned form
 * goes to the S3-compatible server itself, and what AWS runs on its own between two requests
 * (the landing function on an uploaded file's event, the staging workflow on `ingested`) runs
 * before each read.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiGatewayV2Event, jwtClaims, lambdaContext } from './support/events';
import { type HttpResponse, type Pipeline, startPipeline } from './support/pipeline';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
type Http = (event: unknown, context: unknown) => Promise<HttpResponse>;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function runSmoke(args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(root, 'scripts/smoke.mjs'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HCDL_SMOKE_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('scripts/smoke.mjs against the Lambda bundles', () => {
  let p: Pipeline;
  let server: Server;
  let api: string;

  beforeAll(async () => {
    p = await startPipeline();
    const frontDoor = (await p.bundles['front-door'].load<{ handler: Http }>()).handler;
    const queryApi = (await p.bundles['query-api'].load<{ handler: Http }>()).handler;
    /** What AWS does on its own between two requests: land uploaded files, run the staging workflow. */
    const settle = async (): Promise<void> => {
      const landed: string[] = [];
      for await (const key of p.h.objectStore.list('upload/')) landed.push(key);
      if (landed.length > 0) await p.land(landed);
      await p.runStaging();
    };
    server = createServer((req, res) => {
      (async () => {
        const url = new URL(req.url ?? '/', 'http://api');
        const body = await readBody(req);
        const claims = JSON.parse(Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''), 'base64url').toString('utf8') || '{}') as {
          write?: string;
          read?: string;
          sub?: string;
        };
        if (req.method === 'GET') await settle();
        const event = apiGatewayV2Event({
          method: req.method as 'GET' | 'POST',
          path: url.pathname,
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          query: Object.fromEntries(url.searchParams),
          ...(body.byteLength > 0 ? { body } : {}),
          claims: jwtClaims(claims),
        });
        const target = req.method === 'POST' || url.pathname === '/health' ? frontDoor : queryApi;
        const out = await target(event, lambdaContext('hcdl-dev-api'));
        res.writeHead(out.statusCode, out.headers);
        res.end(out.isBase64Encoded === true ? Buffer.from(out.body, 'base64') : out.body);
      })().catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await p?.close();
  });

  const token = (claims: Record<string, string>): string => Buffer.from(JSON.stringify(claims)).toString('base64url');

  it('passes every step: post, duplicate, staged, staging JSON, query, and the upload path to its report', async () => {
    const run = await runSmoke(['--api', api, '--source', 'smoke', '--upload', '--timeout', '60'], token({ sub: 'smoke-user', write: 'smoke', read: 'smoke' }));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(
      lines.map((l) =>
        l
          .replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<id>')
          .replace(/\d+\.\d s/, '<s>')
          .replace(/among \d+/, 'among <n>'),
      ),
    ).toEqual([
      'smoke health: ok',
      'smoke posted: 201, message <id>',
      'smoke duplicate: 409, same message',
      'smoke staged: after <s>',
      'smoke staging JSON: read back',
      'smoke query: listed among <n> message(s)',
      'smoke uploaded: batch <id>',
      'smoke upload: 2 messages staged (batch <id>)',
      'smoke: passed',
    ]);
    const batch = /batch (\S+)\)$/.exec(lines[7] ?? '')?.[1] as string;
    const rows = (await p.h.catalog.listMessages({ source: 'smoke' })).items.filter((r) => r.batchId === batch);
    expect(rows.map((r) => [r.status, r.submittedBy])).toEqual([
      ['staged', 'smoke-user'],
      ['staged', 'smoke-user'],
    ]);
  }, 180_000);

  it('names the step when a token may read but not upload', async () => {
    const run = await runSmoke(['--api', api, '--source', 'smoke', '--upload', '--timeout', '60'], token({ read: 'smoke' }));
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('smoke: FAILED: POST /hl7v2/er7: expected 201, got 403 (FORBIDDEN)');
  }, 120_000);
});
