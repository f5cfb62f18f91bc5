/**
 * Deterministic resource ids: the same qualified key (resource type + the identifying values,
 * e.g. the assigning authority, identifier type and value of a patient) always gives the same
 * id, in every message and on every machine, so a later message updates the same resource.
 */
import { createHash } from 'node:crypto';

/** FHIR ids allow `[A-Za-z0-9\-.]{1,64}`: 32 hex digits of SHA-256, grouped like a UUID. */
export function deterministicId(resourceType: string, key: string): string {
  const h = createHash('sha256').update(resourceType).update('\u0000').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const part = (s: string | undefined): string => (s ?? '').trim().replace(/%/g, '%25').replace(/#/g, '%23');

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
