/**
 * How object keys map onto a folder. A key is a relative path of `/`-separated segments; the
 * store keeps its own files beside the objects under names no key segment may end with, so
 * every file that is not one of them is an object and every object is listed.
 */

/** Sidecar with the object's content type, metadata and tags, beside the object. */
export const SIDECAR_SUFFIX = '.meta.json';
/** Files a put writes before renaming them into place (left behind if the process dies). */
export const TEMP_SUFFIX = '.hcdl-tmp';

const RESERVED = [SIDECAR_SUFFIX, TEMP_SUFFIX] as const;

/** True for a name the store uses for its own files (sidecars, temps). */
export function isReservedName(name: string): boolean {
  return RESERVED.some((suffix) => name.endsWith(suffix));
}

/** True when a segment can be part of a key: not empty, `.` or `..`, no `\` or NUL, not reserved. */
export function isKeySegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !segment.includes('\\') && !segment.includes('\0') && !isReservedName(segment);
}

/** The segments of a valid key, or undefined when no object can have this key. */
export function keySegments(key: string): string[] | undefined {
  const parts = key.split('/');
  return parts.every(isKeySegment) ? parts : undefined;
}

/** Orders keys by their UTF-8 bytes, the order S3 lists keys in. */
export function compareKeyBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export const keyBytes = (key: string): Buffer => Buffer.from(key, 'utf8');
