import type { AddressInfo } from 'node:net';
import { type HttpBindings, serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { AUDIT_PATH, httpError, type HttpRequest, type HttpResult, OPENAPI_PATH, SUBMIT_PATH } from '@hcdl/core';
import type { Claims } from '@hcdl/lake';
import { registerChangeStream } from './change-stream';
import { accessLog, notePrincipal } from '../observe/access-log';
import { readNodeBody, readWebBody, TOO_LARGE } from './body';
import { mountConsole } from './console';
import type { LocalLake } from './lake';

const send = (_c: Context, r: HttpResult): Response => new Response(r.body, { status: r.status, headers: r.headers });

/**
 * The contract routes over the local lake. This adapter only translates: it verifies the
 * token, reads the body (refusing a declared length over the limit before reading, and
 * stopping at the limit while reading), and hands an HttpRequest to the same HTTP routes the
 * Lambdas serve (LocalLake.http). A submission runs as one deferred unit of work
 * (LocalLake.durably): its writes join the group commit and the answer leaves only once they
 * are durable. A read answers once what it read is durable.
 */
export function createApp(lake: LocalLake): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const max = lake.config.maxBodyBytes;
  // First: the access log line and metrics of every request, whatever answers it.
  app.use('*', accessLog(lake.logger, lake.metrics));

  if (lake.devIssuer !== undefined) {
    const issuer = lake.devIssuer;
    app.get('/oidc/.well-known/openid-configuration', (c) =>
      c.json({
        issuer: issuer.issuer,
        jwks_uri: `${issuer.issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['ES256'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
      }),
    );
    app.get('/oidc/.well-known/jwks.json', (c) => c.json(issuer.jwks));
  }

  /** The transport-neutral request (the client address is the audit trail's "from where"). */
  const requestOf = (c: Context, claims: Claims | undefined, body?: Uint8Array): HttpRequest => {
    const client = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress;
    const headers = Object.fromEntries(c.req.raw.headers.entries());
    return {
      method: c.req.method,
      path: c.req.path,
      headers,
      query: c.req.query(),
      claims,
      ...(body !== undefined ? { body } : {}),
      ...(client !== undefined ? { client } : {}),
    };
  };
  const route = async (c: Context, claims: Claims | undefined, body?: Uint8Array): Promise<Response> => {
    const handle = () => lake.http.handle(requestOf(c, claims, body));
    if (body !== undefined) return send(c, await lake.durably(handle).durable);
    const result = await handle();
    // /health reads no lake data.
    if (c.req.path !== '/health') await lake.settled();
    return send(c, result);
  };
  /**
   * The caller's claims; or the 401 that says why the token is refused, a missing one
   * included (every route behind this needs one), and a log line with that reason, never the
   * token.
   */
  const authenticate = async (c: Context): Promise<{ claims: Claims | undefined } | { refused: Response }> => {
    const check = await lake.verify(c.req.header('authorization'));
    if (check.ok) {
      notePrincipal(c.req.raw, check.claims);
      return { claims: check.claims };
    }
    lake.logger.warn('token refused', { reason: check.reason, method: c.req.method, route: c.req.routePath });
    // A refused call of an audited route is recorded too (as denied, by `anonymous`).
    const refused = await lake.http.audited(requestOf(c, undefined), httpError(401, 'UNAUTHORIZED', check.message, { reason: check.reason }));
    await lake.settled();
    return { refused: send(c, refused) };
  };
  const read = async (c: Context): Promise<Response> => {
    const auth = await authenticate(c);
    return 'refused' in auth ? auth.refused : route(c, auth.claims);
  };

  app.get('/health', (c) => route(c, undefined));
  app.get(OPENAPI_PATH, (c) => route(c, undefined));
  app.get('/metrics', async (c) => {
    const m = await lake.metrics.text();
    return new Response(m.body, { status: 200, headers: { 'content-type': m.contentType, 'cache-control': 'no-store' } });
  });
  app.get(AUDIT_PATH, read);
  app.post(SUBMIT_PATH, async (c) => {
    const auth = await authenticate(c);
    if ('refused' in auth) return auth.refused;
    if (auth.claims === undefined)
      return send(c, httpError(401, 'UNAUTHORIZED', 'a bearer token is required (Authorization: Bearer <jwt>)', { reason: 'missing' }));
    const declared = Number(c.req.header('content-length') ?? '0');
    const tooLarge = (): Response => {
      const r = send(c, httpError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${max} bytes`));
      // The rest of the body is not read: this connection is not reused.
      r.headers.set('connection', 'close');
      return r;
    };
    if (declared > max) return tooLarge();
    const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
    const body = incoming !== undefined ? await readNodeBody(incoming, max) : await readWebBody(c.req.raw.body, max);
    if (body === TOO_LARGE) return tooLarge();
    return route(c, auth.claims, body);
  });
  // A replay writes (status, new attempt): it runs as a durable unit of work, as a submission.
  app.post('/hl7v2/messages/:id/replay', async (c) => {
    const auth = await authenticate(c);
    return 'refused' in auth ? auth.refused : route(c, auth.claims, new Uint8Array(0));
  });
  // The read routes, behind the same token verification as the write path.
  registerChangeStream(app, lake, authenticate);
  for (const path of ['/hl7v2/messages', '/hl7v2/messages/*', '/hl7v2/errors', '/patients', '/patients/*', '/fhir/*']) app.get(path, read);

  mountConsole(app);

  app.notFound((c) => send(c, httpError(404, 'NOT_FOUND', 'no such route')));
  app.onError((err, c) => {
    lake.logger.error('request failed', { error: err.name, path: c.req.path });
    return send(c, httpError(500, 'INTERNAL', 'internal error'));
  });
  return app;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startServer(lake: LocalLake): Promise<RunningServer> {
  const app = createApp(lake);
  // A port in use (EADDRINUSE) or not allowed (EACCES) rejects here, for the caller to say so.
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: lake.config.port, hostname: lake.config.host }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${lake.config.host}:${port}`,
    close: () => {
      // Change streams end now: the server's close waits for open connections.
      lake.adapters.changeSignal.close();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
