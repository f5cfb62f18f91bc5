/**
 * Deterministic resource ids: the same qualified key (resource type + the identifying values,
 * e.g. the assigning authority, identifier type and value of a patient) always gives the same
 * id, in every message and on every machine, so a later message updates the same resource.
 */
import { murmur3x128Uuid } from './hash';

/** FHIR ids allow `[A-Za-z0-9\-.]{1,64}`: the 128-bit MurmurHash3 of type and key, grouped like a UUID. */
export function deterministicId(resourceType: string, key: string): string {
  return murmur3x128Uuid(`${resourceType}\u0000${key}`);
}

const SPECIAL = /[%#]/;
function part(s: string | undefined): string {
  if (s === undefined) return '';
  const t = s.trim();
  return SPECIAL.test(t) ? t.replace(/%/g, '%25').replace(/#/g, '%23') : t;
}

/**
 * The patient index's identifier key `authority#type#value` (authority: CX-4.1, else CX-4.2;
 * '%' and '#' percent-encoded in each part), so ids and merge links speak the index's language.
 */
export function identifierKey(authority: string | undefined, type: string | undefined, value: string): string {
  return `${part(authority)}#${part(type)}#${part(value)}`;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
export function isFhirId(id: string): boolean {
  return ID.test(id);
}
