import { setTimeout as sleep } from 'node:timers/promises';
import { CliUnreachableError } from '../errors';
import { backoffMs, type FileOutcome, type RetryPolicy, type Sender } from './outcome';
import type { TokenSource } from './token-source';

/** Answers worth another try: the lake is busy, restarting, or the network failed. */
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { reason?: string; messageId?: string; diagnostics?: { code?: string; location?: string }[] } };
}

/** Stored messages of a 201/409 answer (one message, or a batch's). */
function counted(body: unknown): { ingested: number; duplicate: number } {
  const b = body as { status?: string; messages?: { status?: string }[] };
  const statuses = Array.isArray(b.messages) ? b.messages.map((m) => m.status) : [b.status];
  const ingested = statuses.filter((s) => s === 'ingested').length;
  return { ingested, duplicate: statuses.length - ingested };
}

/** The lake's reason for a refusal: its code, message and first located diagnostic (never content). */
function reasonOf(body: ErrorBody | undefined, status: number): { code: string; reason: string; messageId?: string } {
  const e = body?.error;
  const d = e?.details?.diagnostics?.[0];
  const where = d?.code !== undefined ? ` (${d.code}${d.location !== undefined ? ` at ${d.location}` : ''})` : '';
  return {
    code: e?.code ?? `HTTP_${status}`,
    reason: `${e?.message ?? `HTTP ${status}`}${where}`,
    ...(e?.details?.messageId !== undefined ? { messageId: e.details.messageId } : {}),
  };
}

const networkReason = (err: unknown): string => {
  const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
  return cause?.code ?? (err as Error).name;
};

/**
 * Sends a file's bytes with `POST /hl7v2/er7`, retrying what may pass later (no answer,
 * 408/429/5xx) with backoff. A 401 renews the token once when it can; otherwise, or when the
 * new token is refused too, the whole run stops (CliUnreachableError, with the lake's reason).
 */
export function createHttpSender(o: { url: string; source?: string; tokens: TokenSource; retry: RetryPolicy; timeoutMs: number }): Sender {
  const target = `${o.url.replace(/\/$/, '')}/hl7v2/er7${o.source !== undefined ? `?source=${encodeURIComponent(o.source)}` : ''}`;
  return async (bytes) => {
    let renewed = false;
    let lastReason = '';
    for (let attempt = 1; ; attempt++) {
      const token = await o.tokens.get();
      let res: Response | undefined;
      try {
        res = await fetch(target, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/hl7-v2', accept: 'application/json' },
          body: bytes,
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (err) {
        lastReason = `no answer (${networkReason(err)})`;
      }
      if (res !== undefined) {
        const text = await res.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        if (res.status === 201 || res.status === 409) return { kind: 'sent', ...counted(body), attempts: attempt };
        if (res.status === 401) {
          const e = (body as ErrorBody | undefined)?.error;
          const why = `${e?.details?.reason ?? 'refused'}: ${e?.message ?? 'HTTP 401'}`;
          if (!renewed && o.tokens.renewable) {
            renewed = true;
            await o.tokens.renew();
            attempt--;
            continue;
          }
          throw new CliUnreachableError(
            `the lake refused the token (${why})${o.tokens.renewable ? '' : '; give --data-dir so ingest mints and renews its own'}`,
          );
        }
        if (!RETRYABLE.has(res.status))
          return { kind: 'rejected', status: res.status, ...reasonOf(body as ErrorBody | undefined, res.status), attempts: attempt };
        lastReason = `HTTP ${res.status}${(body as ErrorBody | undefined)?.error?.code !== undefined ? ` ${(body as ErrorBody).error?.code}` : ''}`;
        const retryAfter = Number(res.headers.get('retry-after'));
        if (attempt <= o.retry.retries && Number.isFinite(retryAfter) && retryAfter > 0) {
          await sleep(Math.min(retryAfter * 1000, o.retry.maxDelayMs));
          continue;
        }
      }
      if (attempt > o.retry.retries) return { kind: 'failed', reason: lastReason, attempts: attempt };
      await sleep(backoffMs(o.retry, attempt));
    }
  };
}
