#!/usr/bin/env node
// Smoke test of a running HCDL API (a fresh deploy, or the local lake): health, one message
// posted (201), the same bytes again (409, same id), the message read back and polled until
// staged, its staging JSON read, and the message found by a query of the catalog. With
// --upload (AWS), a two-message batch file also goes the upload path (POST /hl7v2/uploads, the
// presigned form to S3, the landing function) until its report names both messages, staged.
// The messages are synthetic (a made-up patient, unique control ids per run), so the test can
// run after every deploy and never collides with a previous run.
//
//   HCDL_SMOKE_TOKEN=<ID token> node scripts/smoke.mjs --api <base url> [--source <id>] [--timeout <s>] [--upload]
//   (pnpm smoke --api … does the same)
//
// The token comes from the environment, never the command line (process lists and CI logs
// show arguments); it needs `custom:write` and `custom:read` for the source. Exits 0 when every
// step passed, 1 with the failed step otherwise. Prints ids and statuses, never message content.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export class SmokeFailure extends Error {
  constructor(message) {
    super(message);
    this.name = 'SmokeFailure';
  }
}

/** A synthetic ADT^A04 (register a patient) with a control id no other run uses. */
export function smokeMessage(now = new Date()) {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const controlId = `SMOKE${stamp}${randomBytes(4).toString('hex').toUpperCase()}`;
  const segments = [
    `MSH|^~\\&|HCDL-SMOKE|SMOKE-FACILITY|HCDL|HCDL|${stamp}||ADT^A04^ADT_A01|${controlId}|P|2.5.1`,
    `EVN|A04|${stamp}`,
    `PID|1||SMOKE-${controlId}^^^HCDL-SMOKE^MR||SMOKETEST^PATIENT||19700101|U`,
    'PV1|1|O',
  ];
  return { controlId, body: `${segments.join('\r')}\r` };
}

/** A batch file of two synthetic messages (for the upload path). */
export function smokeBatch(now = new Date()) {
  const messages = [smokeMessage(now), smokeMessage(now)];
  const body = `BHS|^~\\&|HCDL-SMOKE|SMOKE-FACILITY\r${messages.map((m) => m.body).join('')}BTS|2\r`;
  return { controlIds: messages.map((m) => m.controlId), body };
}

async function request(api, token, method, route, init = {}) {
  const headers = { authorization: `Bearer ${token}`, ...(init.headers ?? {}) };
  let res;
  try {
    res = await fetch(`${api}${route}`, { method, headers, body: init.body, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new SmokeFailure(`${method} ${route}: no answer (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

function expectStatus(step, got, want) {
  if (got.status !== want) {
    const code = got.json?.error?.code;
    throw new SmokeFailure(`${step}: expected ${want}, got ${got.status}${code ? ` (${code})` : ''}`);
  }
}

/**
 * Runs the smoke test against `api`; resolves with what each step saw, rejects with a
 * SmokeFailure naming the step that failed. `log` receives one line per step.
 */
export async function smoke({ api, token, source, timeoutMs = 120_000, pollMs = 1_000, upload = false, log = () => {} }) {
  const base = api.replace(/\/+$/, '');
  const query = source === undefined ? '' : `?source=${encodeURIComponent(source)}`;
  const started = Date.now();

  const health = await request(base, token, 'GET', '/health');
  expectStatus('GET /health', health, 200);
  log('health: ok');

  const { body, controlId } = smokeMessage();
  const post = () => request(base, token, 'POST', `/hl7v2/er7${query}`, { body, headers: { 'content-type': 'application/hl7-v2' } });
  const first = await post();
  expectStatus('POST /hl7v2/er7', first, 201);
  const messageId = first.json?.messageId;
  if (typeof messageId !== 'string' || first.json?.controlId !== controlId)
    throw new SmokeFailure('POST /hl7v2/er7: the answer has no messageId or another controlId');
  log(`posted: 201, message ${messageId}`);

  const again = await post();
  expectStatus('POST /hl7v2/er7 (the same bytes again)', again, 409);
  if (again.json?.messageId !== messageId) throw new SmokeFailure('duplicate: the 409 does not name the original message');
  log('duplicate: 409, same message');

  const { status, row } = await untilStaged(base, token, messageId, started, timeoutMs, pollMs);
  const seconds = (Date.now() - started) / 1000;
  log(`staged: after ${seconds.toFixed(1)} s`);

  const staging = await request(base, token, 'GET', `/hl7v2/messages/${encodeURIComponent(messageId)}/staging`);
  expectStatus(`GET /hl7v2/messages/${messageId}/staging`, staging, 200);
  if (staging.json?.msh?.message_control_id !== controlId) throw new SmokeFailure('staging JSON: MSH-10 is not the control id posted');
  log('staging JSON: read back');

  // The catalog query by source and time (the status and source indexes on AWS).
  const since = new Date(Date.parse(row.receivedAt) - 1000).toISOString();
  const listed = await request(base, token, 'GET', `/hl7v2/messages?source=${encodeURIComponent(row.source)}&since=${encodeURIComponent(since)}&limit=1000`);
  expectStatus('GET /hl7v2/messages (query)', listed, 200);
  const items = Array.isArray(listed.json?.items) ? listed.json.items : [];
  if (!items.some((m) => m?.messageId === messageId)) throw new SmokeFailure('query: the catalog query does not list the message');
  log(`query: listed among ${items.length} message(s)`);

  const result = { messageId, status, seconds };
  if (upload) result.upload = await smokeUpload(base, token, query, started, timeoutMs, pollMs, log);
  return result;
}

/** Polls a message until it has an outcome; fails unless the outcome is `staged`. */
async function untilStaged(base, token, messageId, started, timeoutMs, pollMs) {
  for (;;) {
    const read = await request(base, token, 'GET', `/hl7v2/messages/${encodeURIComponent(messageId)}`);
    expectStatus(`GET /hl7v2/messages/${messageId}`, read, 200);
    const status = read.json?.status;
    if (status === undefined) throw new SmokeFailure('read back: the catalog entry has no status');
    if (status === 'staged') return { status, row: read.json };
    if (status !== 'ingested') throw new SmokeFailure(`staging: message ${messageId} ended as ${status}, not staged`);
    if (Date.now() - started > timeoutMs) throw new SmokeFailure(`staging: message ${messageId} still ${status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The upload path: a presigned form, the file posted to S3, the batch report, both messages staged. */
async function smokeUpload(base, token, query, started, timeoutMs, pollMs, log) {
  const created = await request(base, token, 'POST', `/hl7v2/uploads${query}`);
  expectStatus('POST /hl7v2/uploads', created, 201);
  const { uploadId, url, fields, report } = created.json ?? {};
  if (typeof uploadId !== 'string' || typeof url !== 'string' || typeof fields !== 'object' || typeof report !== 'string')
    throw new SmokeFailure('POST /hl7v2/uploads: the answer has no uploadId, url, fields or report');
  const { body, controlIds } = smokeBatch();
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
  form.append('file', new Blob([Buffer.from(body, 'latin1')]), 'smoke-batch.hl7');
  let posted;
  try {
    posted = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new SmokeFailure(`upload form: no answer (${err instanceof Error ? err.message : String(err)})`);
  }
  if (posted.status >= 300) throw new SmokeFailure(`upload form: expected 2xx, got ${posted.status}`);
  log(`uploaded: batch ${uploadId}`);
  let reported;
  for (;;) {
    reported = await request(base, token, 'GET', report);
    if (reported.status === 200) break;
    if (reported.status !== 404) expectStatus(`GET ${report}`, reported, 200);
    if (Date.now() - started > timeoutMs) throw new SmokeFailure(`upload: no report for batch ${uploadId} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const messages = Array.isArray(reported.json?.messages) ? reported.json.messages : [];
  if (reported.json?.status !== 'ingested' || messages.map((m) => m?.controlId).join() !== controlIds.join())
    throw new SmokeFailure(`upload: the report of batch ${uploadId} does not list the two messages uploaded`);
  for (const m of messages) await untilStaged(base, token, m.messageId, started, timeoutMs, pollMs);
  log(`upload: 2 messages staged (batch ${uploadId})`);
  return { uploadId, messageIds: messages.map((m) => m.messageId) };
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: { api: { type: 'string' }, source: { type: 'string' }, timeout: { type: 'string' }, upload: { type: 'boolean' } },
  });
  const token = process.env.HCDL_SMOKE_TOKEN;
  if (values.api === undefined)
    throw new SmokeFailure('usage: HCDL_SMOKE_TOKEN=<token> node scripts/smoke.mjs --api <url> [--source <id>] [--timeout <s>] [--upload]');
  if (token === undefined || token === '') throw new SmokeFailure('HCDL_SMOKE_TOKEN is not set (an ID token with custom:write and custom:read)');
  const timeout = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new SmokeFailure(`--timeout must be a number of seconds, got "${values.timeout}"`);
  await smoke({
    api: values.api,
    token,
    source: values.source,
    timeoutMs: timeout * 1000,
    upload: values.upload === true,
    log: (line) => console.log(`smoke ${line}`),
  });
  console.log('smoke: passed');
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`smoke: FAILED: ${err instanceof SmokeFailure ? err.message : err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
