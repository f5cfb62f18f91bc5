/** The transaction Bundle: one PUT per resource at its deterministic id (no conditional request). */
import { deterministicId } from './ids';
import type { FhirResource } from './resource';

export function toBundle(resources: readonly FhirResource[], messageId: string): FhirResource {
  return {
    resourceType: 'Bundle',
    id: deterministicId('Bundle', `message:${messageId}`),
    type: 'transaction',
    entry: resources.map((r) => ({
      resource: r,
      request: { method: 'PUT', url: `${r.resourceType}/${r.id}` },
    })),
  };
}
