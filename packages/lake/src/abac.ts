import { AccessDeniedError, ValidationError } from './errors';

/**
 * Attribute-based access, compatible with the reference AWS sample: the claims
 * `custom:write` and `custom:read` hold comma-separated source ids, `*` meaning all.
 * Deny by default: a missing or empty claim grants nothing.
 */
export type Claims = Record<string, unknown>;

export const WRITE_CLAIM = 'custom:write';
export const READ_CLAIM = 'custom:read';

export function sourcesOf(claims: Claims | undefined, claim: string): string[] {
  const v = claims?.[claim];
  const text = Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : '';
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function allows(claims: Claims | undefined, claim: string, source: string): boolean {
  const sources = sourcesOf(claims, claim);
  return sources.includes('*') || sources.includes(source);
}

export const canWrite = (claims: Claims | undefined, source: string): boolean => allows(claims, WRITE_CLAIM, source);
export const canRead = (claims: Claims | undefined, source: string): boolean => allows(claims, READ_CLAIM, source);

/**
 * The source a submission is recorded for: the requested one (query `source` or header
 * `x-hcdl-source`) when the write claim allows it; else the only source of the write claim.
 * Throws AccessDeniedError (no write right) or ValidationError (several sources, none named).
 */
export function chooseSubmitSource(claims: Claims | undefined, requested?: string): string {
  const sources = sourcesOf(claims, WRITE_CLAIM);
  if (sources.length === 0) throw new AccessDeniedError('the token grants no write access (custom:write is empty)');
  if (requested !== undefined && requested !== '') {
    if (!canWrite(claims, requested)) throw new AccessDeniedError('the token may not submit for this source');
    return requested;
  }
  const only = sources[0] as string;
  if (sources.length === 1 && only !== '*') return only;
  throw new ValidationError('the token may write for several sources: name one with ?source= or the x-hcdl-source header');
}
