import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { changesQueryOf, type ChangesQuery, outcome, QueryParameterError, type HttpResult } from '@hcdl/core';
import type { Claims } from '@hcdl/lake';
import type { LocalLake } from './lake';

export const CHANGE_STREAM_PATH = '/fhir/_changes/stream';

/** How long a stream waits for an announcement before reading the feed anyway (changes made by another process). */
const POLL_MS = 1000;
/** A comment line this often keeps idle proxies from closing the stream. */
const KEEP_ALIVE_MS = 15_000;

type Authenticate = (c: Context) => Promise<{ claims: Claims | undefined } | { refused: Response }>;

const send = (r: HttpResult): Response => new Response(r.body, { status: r.status, headers: r.headers });

/**
 * `GET /fhir/_changes/stream`: the change feed as server-sent events, one `fhir-changed` event
 * per version (id: its feed position; data: the feed's view of it, resource included), with the
 * caller's ABAC applied. It starts after `Last-Event-ID` (what a reconnecting EventSource
 * sends), else after `since`, else from now; it reads the feed whenever this process announces
 * a version and at least every second, so each version arrives once, in commit order, even
 * across a restart of the lake (reconnect with the last id).
 */
export function registerChangeStream(app: Hono<{ Bindings: HttpBindings }>, lake: LocalLake, authenticate: Authenticate): void {
  app.get(CHANGE_STREAM_PATH, async (c) => {
    const auth = await authenticate(c);
    if ('refused' in auth) return auth.refused;
    const claims = auth.claims;
    if (claims === undefined) return send(outcome(401, 'login', 'a valid bearer token is required'));
    const changes = lake.app.refined?.fhir.changes;
    if (changes === undefined) return send(outcome(404, 'not-supported', 'this lake has no change feed'));
    let query: ChangesQuery;
    try {
      query = changesQueryOf(c.req.query());
    } catch (err) {
      if (err instanceof QueryParameterError) return send(outcome(400, 'invalid', `${err.parameter}: ${err.message}`));
      throw err;
    }
    const lastEventId = c.req.header('last-event-id');
    let position = lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId) ? lastEventId : (query.since ?? lake.adapters.resources.lastPosition());
    const signal = lake.adapters.changeSignal;
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
    return streamSSE(c, async (stream) => {
      let quietSince = Date.now();
      while (!stream.aborted && !signal.closed) {
        const page = await changes(claims, { ...query, since: position });
        // What leaves the process is durable first (a version read inside an open group commit).
        await lake.settled();
        for (const item of page.items) {
          await stream.writeSSE({ id: item.position, event: 'fhir-changed', data: JSON.stringify(item) });
          quietSince = Date.now();
        }
        if (page.next !== undefined) position = page.next;
        if (page.more) continue;
        if (Date.now() - quietSince >= KEEP_ALIVE_MS) {
          await stream.write(': keep-alive\n\n');
          quietSince = Date.now();
        }
        await signal.wait(POLL_MS);
      }
    });
  });
}
