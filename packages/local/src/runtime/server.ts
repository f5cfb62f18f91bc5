import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { httpError, type HttpResult } from '@hcdl/fn-front-door';
import type { LocalLake } from './lake';

const send = (c: Context, r: HttpResult): Response => new Response(r.body, { status: r.status, headers: r.headers });

/** The contract routes over the local lake; the same handler functions the Lambdas use. */
export function createApp(lake: LocalLake): Hono {
  const app = new Hono();
  const max = lake.config.maxBodyBytes;

  app.get('/health', (c) => c.json({ status: 'ok' }));

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

  app.post('/hl7v2/er7', async (c) => {
    const claims = await lake.verify(c.req.header('authorization'));
    if (claims === undefined) return send(c, httpError(401, 'UNAUTHORIZED', 'a valid bearer token is required'));
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > max) return send(c, httpError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${max} bytes`));
    const body = new Uint8Array(await c.req.arrayBuffer());
    const headers = Object.fromEntries(c.req.raw.headers.entries());
    return send(c, await lake.frontDoor.submit({ claims, headers, query: c.req.query(), body }));
  });

  // The read routes (query-api), behind the same token verification as the write path.
  const read = async (c: Context): Promise<Response> => {
    const claims = await lake.verify(c.req.header('authorization'));
    const r = await lake.queryApi.handle({ method: c.req.method, path: c.req.path, query: c.req.query(), claims });
    return new Response(r.body, { status: r.status, headers: r.headers });
  };
  for (const route of ['/hl7v2/messages', '/hl7v2/messages/*', '/hl7v2/errors', '/patients', '/patients/*']) app.get(route, read);

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
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: lake.config.port, hostname: lake.config.host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${lake.config.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
