import type { ResourceVersion } from '@hcdl/lake';
import { etagOf } from './answers';

/** A searchset Bundle: the matches, a self link and, when more remain, a next link. */
export function searchsetBundle(self: string, next: string | undefined, entries: { fullUrl: string; resource: unknown; mode?: 'match' | 'include' }[]) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [{ relation: 'self', url: self }, ...(next !== undefined ? [{ relation: 'next', url: next }] : [])],
    entry: entries.map((e) => ({ fullUrl: e.fullUrl, resource: e.resource, search: { mode: e.mode ?? 'match' } })),
  };
}

/** A history Bundle: one entry per version, newest first, with what it did (request) and its ETag. */
export function historyBundle(
  self: string,
  next: string | undefined,
  base: string,
  versions: { version: ResourceVersion; resource: unknown }[],
): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'history',
    link: [{ relation: 'self', url: self }, ...(next !== undefined ? [{ relation: 'next', url: next }] : [])],
    entry: versions.map(({ version: v, resource }) => {
      const url = `${v.resourceType}/${v.id}`;
      const deleted = v.change === 'delete';
      const created = v.previousVersionId === undefined;
      return {
        fullUrl: `${base}/${url}`,
        ...(deleted ? {} : { resource }),
        request: { method: deleted ? 'DELETE' : created ? 'POST' : 'PUT', url: created && !deleted ? v.resourceType : url },
        response: { status: deleted ? '204' : created ? '201' : '200', etag: etagOf(v.versionId), lastModified: v.lastUpdated },
      };
    }),
  };
}
