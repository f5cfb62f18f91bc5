import { type AdversarialShape, adversarial, message } from './messages';
import { percentile } from './stats';

/** Latencies of /health and of normal posts within one window of the run. */
export interface Window {
  seconds: number;
  health: { n: number; p50: number; p99: number; max: number };
  others: { n: number; p50: number; p99: number; max: number; errors: number };
}

export interface AdversarialResult {
  bytes: number;
  /** Time to the 201 of the adversarial POST, ms. */
  answerMs: number;
  status: number;
  /** Where the message ended (staged or error, with its codes) and when, ms after the POST. */
  outcome: string;
  outcomeMs: number;
  /** The same probes before the POST (the machine's own pace). */
  calm: Window;
  /** From the POST to its 201 (the front door reads, splits and stores 10 MB). */
  accepting: Window;
  /** From the 201 to the outcome (the message is being staged). */
  staging: Window;
  peakRss: number;
}

const summary = (xs: number[]) => ({ n: xs.length, p50: percentile(xs, 0.5), p99: percentile(xs, 0.99), max: xs.length === 0 ? Number.NaN : Math.max(...xs) });

/** A probe's answer: when it was sent (ms, performance clock), how long it took, whether it was the expected status. */
interface Sample {
  at: number;
  ms: number;
  ok: boolean;
}

function windowOf(health: Sample[], others: Sample[], from: number, to: number): Window {
  const inside = (s: Sample) => s.at >= from && s.at < to;
  const o = others.filter(inside);
  return {
    seconds: (to - from) / 1000,
    health: summary(health.filter(inside).map((s) => s.ms)),
    others: { ...summary(o.map((s) => s.ms)), errors: o.filter((s) => !s.ok).length },
  };
}

/**
 * Measures GET /health (one at a time) and normal POSTs (`clients` at a time) for `calmSeconds`,
 * then POSTs one adversarial message (a ~10 MB OBX of `^` runs) and goes on measuring until
 * it has reached its outcome, sampling the lake's resident memory; the figures are split into
 * the calm window, the POST's own window and the staging window.
 */
export async function adversarialRun(o: {
  url: string;
  token: string;
  bytes: number;
  /** The adversarial content (default `^` runs). */
  shape?: AdversarialShape;
  clients: number;
  calmSeconds: number;
  rss: () => number;
  timeoutSeconds: number;
}): Promise<AdversarialResult> {
  const auth = { authorization: `Bearer ${o.token}` };
  let done = false;
  let peakRss = o.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, o.rss())), 50);
  const healthTimes: Sample[] = [];
  const otherTimes: Sample[] = [];
  let n = 0;
  const prober = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(`${o.url}/health`);
      await res.arrayBuffer();
      healthTimes.push({ at: t, ms: performance.now() - t, ok: res.status === 200 });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const posters = Array.from({ length: o.clients }, async () => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(`${o.url}/hl7v2/er7?source=adv-others`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/hl7-v2' },
        body: message(`ADV-OTHER-${n++}`),
      });
      await res.arrayBuffer();
      otherTimes.push({ at: t, ms: performance.now() - t, ok: res.status === 201 });
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  const calmStart = performance.now();
  await new Promise((r) => setTimeout(r, o.calmSeconds * 1000));
  const start = performance.now();
  const res = await fetch(`${o.url}/hl7v2/er7?source=adv`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/hl7-v2' },
    body: adversarial(o.bytes, 'ADV-1', o.shape),
  });
  const answered = performance.now();
  const answerMs = answered - start;
  const body = (await res.json()) as { messageId?: string };
  let outcome = `not ingested (${res.status})`;
  let outcomeMs = answerMs;
  if (body.messageId !== undefined) {
    const deadline = Date.now() + o.timeoutSeconds * 1000;
    outcome = 'still ingested';
    while (Date.now() < deadline) {
      const row = (await (await fetch(`${o.url}/hl7v2/messages/${body.messageId}`, { headers: auth })).json()) as { status: string };
      if (row.status !== 'ingested') {
        outcomeMs = performance.now() - start;
        outcome = row.status;
        if (row.status === 'error') {
          const errs = (await (await fetch(`${o.url}/hl7v2/errors?source=adv`, { headers: auth })).json()) as { items: { code: string; severity: string }[] };
          outcome += ` (${[...new Set(errs.items.filter((e) => e.severity === 'error').map((e) => e.code))].join(', ')})`;
        }
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  done = true;
  await Promise.all([prober, ...posters]);
  clearInterval(sampler);
  return {
    bytes: o.bytes,
    answerMs,
    status: res.status,
    outcome,
    outcomeMs,
    calm: windowOf(healthTimes, otherTimes, calmStart, start),
    accepting: windowOf(healthTimes, otherTimes, start, answered),
    staging: windowOf(healthTimes, otherTimes, answered, start + outcomeMs),
    peakRss,
  };
}
