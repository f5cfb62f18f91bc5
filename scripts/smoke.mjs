#!/usr/bin/env node
// Smoke test of a running HCDL API (a fresh deploy, or the local lake): health, one message
// posted (201), the same bytes again (409, same id), the message read back, and polled until
// staged. The message is synthetic (a made-up patient, a unique control id per run), so the
// test can run after every deploy and never collides with a previous run.
//
//   HCDL_SMOKE_TOKEN=<ID token> node scripts/smoke.mjs --api <base url> [--source <id>] [--timeout <s>]
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
export async function smoke({ api, token, source, timeoutMs = 120_000, pollMs = 1_000, log = () => {} }) {
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

  let status;
  for (;;) {
    const read = await request(base, token, 'GET', `/hl7v2/messages/${encodeURIComponent(messageId)}`);
    expectStatus(`GET /hl7v2/messages/${messageId}`, read, 200);
    status = read.json?.status;
    if (status === undefined) throw new SmokeFailure('read back: the catalog entry has no status');
    if (status === 'staged') break;
    if (status !== 'ingested') throw new SmokeFailure(`staging: message ${messageId} ended as ${status}, not staged`);
    if (Date.now() - started > timeoutMs) throw new SmokeFailure(`staging: message ${messageId} still ${status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const seconds = (Date.now() - started) / 1000;
  log(`staged: after ${seconds.toFixed(1)} s`);
  return { messageId, status, seconds };
}

async function main(argv) {
  const { values } = parseArgs({ args: argv, options: { api: { type: 'string' }, source: { type: 'string' }, timeout: { type: 'string' } } });
  const token = process.env.HCDL_SMOKE_TOKEN;
  if (values.api === undefined) throw new SmokeFailure('usage: HCDL_SMOKE_TOKEN=<token> node scripts/smoke.mjs --api <url> [--source <id>] [--timeout <s>]');
  if (token === undefined || token === '') throw new SmokeFailure('HCDL_SMOKE_TOKEN is not set (an ID token with custom:write and custom:read)');
  const timeout = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new SmokeFailure(`--timeout must be a number of seconds, got "${values.timeout}"`);
  await smoke({ api: values.api, token, source: values.source, timeoutMs: timeout * 1000, log: (line) => console.log(`smoke ${line}`) });
  console.log('smoke: passed');
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`smoke: FAILED: ${err instanceof SmokeFailure ? err.message : err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
