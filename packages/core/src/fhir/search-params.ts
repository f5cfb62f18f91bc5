import type { RangeOp, SearchCriterion } from '@hcdl/lake';
import { QueryParameterError } from '../read/errors';
import { MAX_LIMIT, type QueryParams, textOf } from '../read/params';
import { dateRange } from '../refine/fhir-dates';
import { SearchParam } from '../refine/search-fields';

/** Parameters every search takes besides the search parameters. */
export const PAGING_PARAMS = ['_count', 'cursor'] as const;
export const SEARCH_PARAMS = [
  SearchParam.Identifier,
  SearchParam.Patient,
  SearchParam.Code,
  SearchParam.Date,
  SearchParam.LastUpdated,
  SearchParam.Id,
] as const;

const PREFIXES: readonly RangeOp[] = ['eq', 'gt', 'ge', 'lt', 'le'];

/** `a,b`: a token parameter's values (FHIR: any of them). */
const values = (text: string): string[] =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** A token search value: `system|code`, `|code` (no system) or `code` (any system); `system|` alone is not supported. */
function tokenOf(name: string, v: string): string {
  const bar = v.indexOf('|');
  if (bar < 0) return `V:${v}`;
  if (bar === v.length - 1) throw new QueryParameterError(name, `${name}=system| (any value of a system) is not supported: give system|value or value`);
  return `S:${v}`;
}

function rangeOf(name: string, text: string): SearchCriterion {
  const m = /^(eq|ne|gt|ge|lt|le|sa|eb|ap)?(.+)$/.exec(text);
  const prefix = (m?.[1] ?? 'eq') as RangeOp;
  if (!PREFIXES.includes(prefix)) throw new QueryParameterError(name, `${name} takes the prefixes eq, gt, ge, lt and le`);
  const range = dateRange(m?.[2] ?? '');
  if (range === undefined)
    throw new QueryParameterError(name, `${name} must be a FHIR date or dateTime (2024, 2024-05, 2024-05-01, 2024-05-01T10:00:00Z), with an optional prefix`);
  return { kind: 'range', name, op: prefix, low: range.low, high: range.high };
}

/** `_count`: results per page, 1 to 1000 (default 100). */
export function countOf(query: QueryParams, fallback = 100): number {
  const v = textOf(query, '_count');
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > MAX_LIMIT) throw new QueryParameterError('_count', `_count must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

const REFERENCE = /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/;

/** The criteria of a search's query string; unknown parameters are refused (a typo would widen the search). */
export function criteriaOf(query: QueryParams): { criteria: SearchCriterion[]; limit: number; cursor?: string } {
  const criteria: SearchCriterion[] = [];
  for (const [name, raw] of Object.entries(query)) {
    if (raw === undefined || (PAGING_PARAMS as readonly string[]).includes(name)) continue;
    const v = raw.trim();
    if (v === '') throw new QueryParameterError(name, `${name} has no value`);
    switch (name) {
      case SearchParam.Identifier:
      case SearchParam.Code:
        criteria.push({ kind: 'token', name, anyOf: values(v).map((x) => tokenOf(name, x)) });
        break;
      case SearchParam.Patient:
        criteria.push({
          kind: 'token',
          name,
          anyOf: values(v).map((x) => {
            const m = REFERENCE.exec(x);
            if (m === null) throw new QueryParameterError(name, 'patient must be a Patient id or Patient/<id>');
            return `Patient/${m[1] as string}`;
          }),
        });
        break;
      case SearchParam.Id:
        criteria.push({ kind: 'token', name, anyOf: values(v) });
        break;
      case SearchParam.Date:
      case SearchParam.LastUpdated:
        criteria.push(rangeOf(name, v));
        break;
      default:
        throw new QueryParameterError(name, `unknown parameter ${name}; searches take ${[...SEARCH_PARAMS, ...PAGING_PARAMS].join(', ')}`);
    }
  }
  const limit = countOf(query);
  const cursor = textOf(query, 'cursor');
  return cursor === undefined ? { criteria, limit } : { criteria, limit, cursor };
}
