import { createHash } from 'node:crypto';
import { contentKey, type FhirResource } from '@hcdl/fhir';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Hash of what a resource says: canonical JSON (contentKey) without `meta.versionId`,
 * `meta.lastUpdated` and `meta.source`. Lineage alone is not a change: a message that restates
 * a resource as it is makes no new version (it is recorded as one of the resource's sources).
 */
export function contentHashOf(resource: FhirResource): string {
  const meta = resource.meta === undefined ? undefined : Object.fromEntries(Object.entries(resource.meta).filter(([k]) => k !== 'source'));
  const bare: FhirResource = { ...resource };
  if (meta === undefined || Object.keys(meta).length === 0) delete bare.meta;
  else bare.meta = meta;
  return createHash('sha256').update(contentKey(bare)).digest('hex');
}

/** The resource as stored for one version: `meta.versionId` and `meta.lastUpdated` set, `meta.source` kept. */
export function withVersionMeta(resource: FhirResource, versionId: number, lastUpdated: string): FhirResource {
  return { ...resource, meta: { ...resource.meta, versionId: String(versionId), lastUpdated } };
}

const linkKey = (l: unknown): string => (isObject(l) && isObject(l.other) ? `${String(l.type)}|${String(l.other.reference)}` : JSON.stringify(l));

function unionBy<T>(a: readonly T[], b: readonly T[], key: (v: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((v) => !seen.has(key(v)))];
}

const identifierKeyOf = (i: unknown): string => (isObject(i) ? `${String(i.system)}|${String(i.value)}` : JSON.stringify(i));

/**
 * The Patient a message's Patient becomes, given the stored one. Merge links are facts of the
 * patient's life, not of one message: `replaces` / `replaced-by` links already stored are kept
 * when a later message (an A08 without MRG) restates the patient, and a patient replaced by
 * another stays inactive. The retired patient of a merge (`retired`) keeps what was known of
 * it: the merge adds its links, its identifiers and `active: false` to the stored content
 * instead of replacing it with the few elements an MRG segment carries.
 */
export function mergePatient(incoming: FhirResource, stored: FhirResource | undefined, retired: boolean): FhirResource {
  const storedLinks = Array.isArray(stored?.link) ? (stored.link as unknown[]) : [];
  const incomingLinks = Array.isArray(incoming.link) ? (incoming.link as unknown[]) : [];
  let out: FhirResource;
  if (retired && stored !== undefined) {
    const identifiers = unionBy(
      Array.isArray(stored.identifier) ? stored.identifier : [],
      Array.isArray(incoming.identifier) ? incoming.identifier : [],
      identifierKeyOf,
    );
    out = { ...stored, identifier: identifiers, meta: { ...incoming.meta } };
    delete out.meta?.versionId;
    delete out.meta?.lastUpdated;
  } else out = { ...incoming };
  const links = unionBy(storedLinks, incomingLinks, linkKey);
  if (links.length > 0) out.link = links;
  if (links.some((l) => isObject(l) && l.type === 'replaced-by')) out.active = false;
  return out;
}

/** Replaces every `reference` equal to `from` by `to`, at any depth (a Patient renamed after a merge). */
export function renameReferences(value: unknown, from: string, to: string): void {
  if (Array.isArray(value)) {
    for (const v of value) renameReferences(v, from, to);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'reference' && v === from) value[k] = to;
    else if (typeof v === 'object') renameReferences(v, from, to);
  }
}
