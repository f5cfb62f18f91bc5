import { isKeySegment, RESERVED_KEY_SUFFIXES } from '@hcdl/lake';

/**
 * How object keys map onto a folder. The key rules are the port's (BaseObjectStore: the same
 * keys as S3); the store keeps its own files beside the objects under names no key segment
 * may end with (the port's reserved suffixes), so every other file is an object.
 */

/** Sidecar with the object's content type, metadata and tags, beside the object. */
export const SIDECAR_SUFFIX = RESERVED_KEY_SUFFIXES[0];
/** Files a put writes before renaming them into place (left behind if the process dies). */
export const TEMP_SUFFIX = RESERVED_KEY_SUFFIXES[1];

export { isKeySegment };

/** Orders keys by their UTF-8 bytes, the order S3 lists keys in. */
export function compareKeyBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export const keyBytes = (key: string): Buffer => Buffer.from(key, 'utf8');
