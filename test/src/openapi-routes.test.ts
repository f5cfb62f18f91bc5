/**
 * The OpenAPI document and the routes really served agree (docs/adr/0016): every route the
 * local server mounts and every route API Gateway is given (infra/src/routes.ts) is in the
 * document, and every documented route is served by the deployment(s) it says. A failure
 * names each route and the file to change.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_ROUTES_DOC, createRouteMatcher, type RouteDoc } from '@hcdl/core';
import { createApp } from '@hcdl/local';
import { API_ROUTES } from '../../infra/src/routes';
import { startTestLake, type TestLake } from './support/harness';

const DOC_FILES = 'packages/core/src/http/openapi/routes-*.ts (then `pnpm -s openapi`)';
const key = (r: Pick<RouteDoc, 'method' | 'path'>): string => `${r.method.toUpperCase()} ${r.path}`;
const served = (r: RouteDoc, where: 'local' | 'aws'): boolean => (r.servedBy ?? 'both') === 'both' || r.servedBy === where;
/** A concrete path for a template: a FHIR `{type}` becomes Patient, any other `{id}` an id nobody has. */
const concrete = (p: string): string => p.replace('{type}', 'Patient').replace(/\{[^}]+\}/g, '01JZZZZZZZZZZZZZZZZZZZZZZZ');

describe('OpenAPI route coverage', () => {
  let t: TestLake;
  let token: string;
  beforeAll(async () => {
    t = await startTestLake();
    token = await (t.lake.devIssuer as NonNullable<typeof t.lake.devIssuer>).sign({ sub: 'coverage', write: '*', read: '*', extra: { 'custom:audit': '*' } });
  });
  afterAll(async () => t.close());

  it('documents every route the local server mounts', () => {
    const match = createRouteMatcher();
    const mounted = createApp(t.lake).routes.filter((r) => r.method !== 'ALL');
    const missing = mounted
      .filter((r) => !r.path.includes('*'))
      // The server's `:id` is OpenAPI's `{id}`.
      .filter((r) => match(r.method, r.path)?.path !== r.path.replace(/:([A-Za-z]+)/g, '{$1}'))
      .map((r) => `${r.method} ${r.path}`);
    // A wildcard mount hands a subtree to the core router: something must be documented under it.
    const emptyTrees = mounted
      .filter((r) => r.path.endsWith('/*'))
      .filter((r) => !API_ROUTES_DOC.some((d) => d.method === r.method.toLowerCase() && d.path.startsWith(r.path.slice(0, -1))))
      .map((r) => `${r.method} ${r.path}`);
    expect({ 'mounted by packages/local/src/runtime/server.ts but not documented': missing, 'wildcard mounts with no documented route': emptyTrees }).toEqual({
      'mounted by packages/local/src/runtime/server.ts but not documented': [],
      'wildcard mounts with no documented route': [],
    });
  });

  it('serves every documented route locally (not 404 "no such route", not 405)', async () => {
    const unserved: string[] = [];
    for (const r of API_ROUTES_DOC.filter((d) => served(d, 'local'))) {
      const res = await fetch(`${t.url}${concrete(r.path)}`, {
        method: r.method.toUpperCase(),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/hl7-v2' },
        ...(r.method === 'post' ? { body: '' } : {}),
      });
      // A server-sent-events route never ends its body: its status and headers are the answer.
      const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
      if (res.status === 405 || (res.status === 404 && text.includes('no such route'))) unserved.push(`${key(r)} answered ${res.status}`);
    }
    expect({ [`documented in ${DOC_FILES} but not served by the local lake`]: unserved }).toEqual({
      [`documented in ${DOC_FILES} but not served by the local lake`]: [],
    });
  });

  it('documents every API Gateway route, and gives API Gateway every route documented for AWS', () => {
    const documented = new Set(API_ROUTES_DOC.map(key));
    const gateway = new Set(API_ROUTES.map((r) => r.routeKey));
    const undocumented = [...gateway].filter((k) => !documented.has(k));
    const notRouted = API_ROUTES_DOC.filter((d) => served(d, 'aws'))
      .map(key)
      .filter((k) => !gateway.has(k));
    expect({
      'routes in infra/src/routes.ts not documented': undocumented,
      [`documented for AWS in ${DOC_FILES} but missing from infra/src/routes.ts`]: notRouted,
    }).toEqual({
      'routes in infra/src/routes.ts not documented': [],
      [`documented for AWS in ${DOC_FILES} but missing from infra/src/routes.ts`]: [],
    });
  });

  it('marks a route as authenticated exactly when API Gateway puts the JWT authorizer on it', () => {
    const byKey = new Map(API_ROUTES_DOC.map((d) => [key(d), d.operation.security !== undefined]));
    const mismatched = API_ROUTES.filter((r) => byKey.has(r.routeKey) && byKey.get(r.routeKey) !== r.authorized).map((r) => r.routeKey);
    expect(mismatched).toEqual([]);
  });
});
