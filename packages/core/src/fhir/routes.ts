import { type Claims, type ChangeFeed, isResourceId, type ObjectStore, type ResourceStore, type ResourceVersion, ValidationError } from '@hcdl/lake';
import { readableSources } from '../read/access';
import { decodeCursor, encodeCursor, fingerprint } from '../read/cursor';
import { QueryParameterError } from '../read/errors';
import { onlyParams, type QueryParams, textOf } from '../read/params';
import { json, type HttpRequest, type HttpResult } from '../http/result';
import { SearchParam } from '../refine/search-fields';
import { baseUrlOf, etagOf, fhirJson, outcome } from './answers';
import { historyBundle, searchsetBundle } from './bundles';
import { capabilityStatement, SERVED_TYPES } from './capability';
import { changesQueryOf, createChangesReader, type ChangesReader } from './changes';
import { countOf, criteriaOf, PAGING_PARAMS } from './search-params';

export interface FhirApiDeps {
  resources: Pick<ResourceStore, 'current' | 'version' | 'history' | 'search' | 'sourcesOf'>;
  objectStore: Pick<ObjectStore, 'get'>;
  /** The change feed (`GET /fhir/_changes`), where the deployment has one (the local lake). */
  changeFeed?: ChangeFeed;
  now?: () => Date;
}

const SERVED: ReadonlySet<string> = new Set(SERVED_TYPES);
const TYPE_PATH = /^\/fhir\/([A-Za-z]+)(?:\/([^/]+)(?:\/(_history|\$everything)(?:\/([^/]+))?)?)?$/;

const decode = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
};

const queryString = (query: QueryParams, extra: Record<string, string> = {}): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...extra })) if (v !== undefined && k !== 'cursor') params.set(k, v);
  if (extra.cursor !== undefined) params.set('cursor', extra.cursor);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
};

/**
 * The FHIR R4 read API over the refined zone (docs/fhir.md "Read API"): metadata, read, vread,
 * history, search by identifier, patient, code, date and _lastUpdated, Patient $everything,
 * and the change feed. A resource is readable when the caller may read (`custom:read`) a
 * source of at least one message that made it; otherwise it answers 404 as an unknown one.
 * Transport-neutral, as the other read routes: the local server and the query-api Lambda call
 * `handle`.
 */
export function createFhirApi(deps: FhirApiDeps) {
  const changes: ChangesReader | undefined =
    deps.changeFeed === undefined ? undefined : createChangesReader({ changeFeed: deps.changeFeed, objectStore: deps.objectStore });

  async function resourceOf(v: ResourceVersion): Promise<unknown> {
    if (v.body !== undefined) return JSON.parse(v.body);
    const stored = await deps.objectStore.get(v.key);
    if (stored === undefined) return undefined;
    return JSON.parse(Buffer.from(stored.body).toString('utf8'));
  }

  /** The current version when it exists and the caller may read one of its sources. */
  async function readable(claims: Claims, type: string, id: string): Promise<ResourceVersion | undefined> {
    const current = await deps.resources.current(type, id);
    if (current === undefined) return undefined;
    const sources = readableSources(claims);
    if (sources === undefined) return current;
    const made = await deps.resources.sourcesOf(type, id);
    return made.some((s) => sources.includes(s)) ? current : undefined;
  }

  const notFound = (): HttpResult => outcome(404, 'not-found', 'no such resource');

  async function read(claims: Claims, type: string, id: string): Promise<HttpResult> {
    const v = await readable(claims, type, id);
    if (v === undefined) return notFound();
    if (v.change === 'delete') return outcome(410, 'deleted', 'the resource was deleted', { etag: etagOf(v.versionId) });
    return fhirJson(200, await resourceOf(v), { etag: etagOf(v.versionId), 'last-modified': new Date(v.lastUpdated).toUTCString() });
  }

  async function vread(claims: Claims, type: string, id: string, vid: string): Promise<HttpResult> {
    if ((await readable(claims, type, id)) === undefined || !/^\d{1,15}$/.test(vid)) return notFound();
    const v = await deps.resources.version(type, id, Number(vid));
    if (v === undefined) return notFound();
    if (v.change === 'delete') return outcome(410, 'deleted', 'this version is a deletion', { etag: etagOf(v.versionId) });
    return fhirJson(200, await resourceOf(v), { etag: etagOf(v.versionId), 'last-modified': new Date(v.lastUpdated).toUTCString() });
  }

  /** A cursor bound to the query it was given for (an edited or misplaced cursor is a 400). */
  function innerCursor(scope: Record<string, unknown>, query: QueryParams): { fp: string; cursor?: string } {
    const fp = fingerprint(scope);
    const at = decodeCursor(fp, textOf(query, 'cursor'));
    return at.c === undefined ? { fp } : { fp, cursor: at.c };
  }

  async function withPortCursor<T>(hasCursor: boolean, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (hasCursor && err instanceof ValidationError) throw new QueryParameterError('cursor', 'cursor is not one this API gave', { cause: err });
      throw err;
    }
  }

  async function history(req: HttpRequest, claims: Claims, type: string, id: string): Promise<HttpResult> {
    onlyParams(req.query, PAGING_PARAMS);
    const limit = countOf(req.query);
    const { fp, cursor } = innerCursor({ history: `${type}/${id}` }, req.query);
    if ((await readable(claims, type, id)) === undefined) return notFound();
    const page = await withPortCursor(cursor !== undefined, () => deps.resources.history(type, id, { limit, ...(cursor !== undefined ? { cursor } : {}) }));
    const base = baseUrlOf(req);
    const versions = [];
    for (const v of page.items) versions.push({ version: v, resource: v.change === 'delete' ? undefined : await resourceOf(v) });
    const self = `${base}/${type}/${id}/_history${queryString(req.query)}`;
    const next =
      page.cursor === undefined ? undefined : `${base}/${type}/${id}/_history${queryString(req.query, { cursor: encodeCursor(fp, { p: 0, c: page.cursor }) })}`;
    return fhirJson(200, historyBundle(self, next, base, versions));
  }

  async function searchAnswer(
    req: HttpRequest,
    claims: Claims,
    type: string | undefined,
    extra: ReturnType<typeof criteriaOf>,
    selfPath: string,
  ): Promise<HttpResult> {
    const { fp, cursor } = innerCursor({ search: selfPath, query: { ...req.query, cursor: undefined } }, req.query);
    const sources = readableSources(claims);
    const base = baseUrlOf(req);
    const self = `${base}${selfPath}${queryString(req.query)}`;
    if (sources !== undefined && sources.length === 0) return fhirJson(200, searchsetBundle(self, undefined, []));
    const page = await withPortCursor(cursor !== undefined, () =>
      deps.resources.search({
        criteria: extra.criteria,
        limit: extra.limit,
        ...(type !== undefined ? { resourceType: type } : {}),
        ...(sources !== undefined ? { sources } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      }),
    );
    const entries = [];
    for (const v of page.items) entries.push({ fullUrl: `${base}/${v.resourceType}/${v.id}`, resource: await resourceOf(v) });
    const next = page.cursor === undefined ? undefined : `${base}${selfPath}${queryString(req.query, { cursor: encodeCursor(fp, { p: 0, c: page.cursor }) })}`;
    return fhirJson(200, searchsetBundle(self, next, entries));
  }

  async function everything(req: HttpRequest, claims: Claims, id: string): Promise<HttpResult> {
    onlyParams(req.query, PAGING_PARAMS);
    const limit = countOf(req.query);
    const patient = await readable(claims, 'Patient', id);
    if (patient === undefined || patient.change === 'delete') return notFound();
    const criteria = { criteria: [{ kind: 'token' as const, name: SearchParam.Patient, anyOf: [`Patient/${id}`] }], limit };
    return searchAnswer(req, claims, undefined, criteria, `/Patient/${id}/$everything`);
  }

  async function route(req: HttpRequest): Promise<HttpResult> {
    const path = req.path.length > 1 ? req.path.replace(/\/$/, '') : req.path;
    if (req.method !== 'GET' && req.method !== 'HEAD') return outcome(405, 'not-supported', 'the FHIR API is read-only: GET', { allow: 'GET, HEAD' });
    if (path === '/fhir/metadata') return fhirJson(200, capabilityStatement(baseUrlOf(req), (deps.now?.() ?? new Date()).toISOString()));
    const claims = req.claims;
    if (claims === undefined) return outcome(401, 'login', 'a valid bearer token is required');
    if (path === '/fhir/_changes') {
      if (changes === undefined) return outcome(404, 'not-supported', 'this deployment has no change feed route (on AWS: the refined EventBridge bus)');
      return json(200, await changes(claims, changesQueryOf(req.query)));
    }
    const m = TYPE_PATH.exec(path);
    if (m === null) return outcome(404, 'not-found', 'no such route');
    const [, type, rawId, sub, rawVid] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    if (!SERVED.has(type)) return outcome(404, 'not-supported', `resource type ${type} is not served`);
    if (rawId === undefined) return searchAnswer(req, claims, type, criteriaOf(req.query), `/${type}`);
    const id = decode(rawId);
    if (id === undefined || !isResourceId(id)) return notFound();
    if (sub === '$everything')
      return type === 'Patient' && rawVid === undefined ? everything(req, claims, id) : outcome(404, 'not-supported', '$everything is a Patient operation');
    if (sub === '_history')
      return rawVid === undefined ? history(req, claims, type, id) : (onlyParams(req.query, []), vread(claims, type, id, decode(rawVid) ?? ''));
    onlyParams(req.query, []);
    return read(claims, type, id);
  }

  return {
    /** Answers one `/fhir/...` request; parameter errors become 400 OperationOutcomes naming the parameter. */
    async handle(req: HttpRequest): Promise<HttpResult> {
      try {
        return await route(req);
      } catch (err) {
        if (err instanceof QueryParameterError) return outcome(400, 'invalid', `${err.parameter}: ${err.message}`);
        throw err;
      }
    },
    /** The change feed as the caller may see it (the local server's event stream reads it); undefined without a feed. */
    changes,
  };
}

export type FhirApi = ReturnType<typeof createFhirApi>;

/** Whether a path belongs to the FHIR API. */
export const isFhirPath = (path: string): boolean => path === '/fhir' || path.startsWith('/fhir/');
