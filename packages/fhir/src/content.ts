/**
 * Stable content comparison of two versions of a resource: equal when they differ only in
 * `meta.versionId` and `meta.lastUpdated` (and key order), so identical content makes no new
 * version. `meta.source` counts: the refined stage decides whether lineage alone is a change.
 */
import type { FhirResource } from './resource';

const IGNORED_META = new Set(['versionId', 'lastUpdated']);

function canonical(value: unknown, inMeta: boolean): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined && !(inMeta && IGNORED_META.has(k)))
    .sort();
  const parts: string[] = [];
  for (const k of keys) {
    if (k === 'meta' && !inMeta) {
      const meta = canonical(obj[k], true);
      if (meta !== '{}') parts.push(`${JSON.stringify(k)}:${meta}`);
      continue;
    }
    parts.push(`${JSON.stringify(k)}:${canonical(obj[k], false)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The resource as canonical JSON (sorted keys) without versionId/lastUpdated: hash or compare it. */
export function contentKey(resource: FhirResource): string {
  return canonical(resource, false);
}

export function sameContent(a: FhirResource, b: FhirResource): boolean {
  return contentKey(a) === contentKey(b);
}
