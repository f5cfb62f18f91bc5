import { CONSOLE_ROUTES } from './routes-console';
import { FHIR_ROUTES } from './routes-fhir';
import { INGEST_ROUTES } from './routes-ingest';
import { OPS_ROUTES } from './routes-ops';
import { READ_ROUTES } from './routes-read';
import type { RouteDoc } from './types';

/**
 * Every route of the HTTP API. Adding a route: add its RouteDoc to one of these lists (or a
 * new `routes-<area>.ts` listed here), then regenerate docs/openapi.json and docs/api.md
 * (`pnpm -s openapi`); the route-coverage test names what is missing on either side.
 */
export const API_ROUTES_DOC: readonly RouteDoc[] = [...INGEST_ROUTES, ...READ_ROUTES, ...FHIR_ROUTES, ...OPS_ROUTES, ...CONSOLE_ROUTES];

interface Matcher {
  doc: RouteDoc;
  pattern: RegExp;
}

const matcherOf = (doc: RouteDoc): Matcher => ({
  doc,
  pattern: new RegExp(`^${doc.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}/?$`),
});

/**
 * Finds the documented route of a request (method and concrete path), for the access log's
 * route template and the audit's classification. Literal paths win over templated ones
 * (`/hl7v2/messages/x/raw` is not `/hl7v2/messages/{id}`: the patterns never cross a `/`).
 * HEAD is matched as GET.
 */
export function createRouteMatcher(routes: readonly RouteDoc[] = API_ROUTES_DOC) {
  const matchers = routes.map(matcherOf);
  return (method: string, path: string): RouteDoc | undefined => {
    const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    return matchers.find((x) => x.doc.method === m && x.pattern.test(path))?.doc;
  };
}

/** The documented path templates for a concrete path, whatever the method (405 answers). */
export const templateOf = (path: string, routes: readonly RouteDoc[] = API_ROUTES_DOC): string | undefined =>
  routes.map(matcherOf).find((x) => x.pattern.test(path))?.doc.path;
