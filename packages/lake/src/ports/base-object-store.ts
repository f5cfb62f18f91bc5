import { ValidationError } from '../errors';
import type { CopyObjectInput, ListOptions, ObjectInfo, ObjectStore, PutObjectInput, StoredObject } from './object-store';

/** S3's limit on key length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** S3's limits on tags: at most 10 per object, keys of 1-128 and values of 0-256 characters. */
export const MAX_TAGS = 10;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
/** Characters S3 accepts in tag keys and values. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** S3 user metadata: 2 KB in all (names + values, UTF-8); S3 lower-cases names, so only lower-case names are taken. */
export const MAX_METADATA_BYTES = 2048;
const METADATA_NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;
/**
 * Suffixes the folder adapter keeps its own files under (sidecars, temp files). No key may
 * have a segment ending in one, in either adapter, so both accept the same keys.
 */
export const RESERVED_KEY_SUFFIXES = ['.meta.json', '.hcdl-tmp'] as const;

/** True when a segment can be part of a key: not empty, `.` or `..`, no `\`, no control character, not reserved. */
export function isKeySegment(segment: string): boolean {
  return (
    segment !== '' &&
    segment !== '.' &&
    segment !== '..' &&
    !segment.includes('\\') &&
    !/[\u0000-\u001f\u007f]/.test(segment) &&
    !RESERVED_KEY_SUFFIXES.some((suffix) => segment.endsWith(suffix))
  );
}

/**
 * Refuses keys the lake never uses and that could escape a zone when a key is joined into a
 * path: empty, absolute, `.`/`..` or empty segments, backslashes, control characters,
 * reserved suffixes, longer than S3 allows. Returns the key.
 */
export function checkObjectKey(key: string): string {
  if (key.startsWith('/') || !key.split('/').every(isKeySegment) || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new ValidationError('invalid object key');
  }
  return key;
}

/** Refuses tag sets S3 would refuse (count, lengths, characters), so the folder adapter refuses them too. */
export function checkTags(tags: Record<string, string> | undefined): Record<string, string> {
  const entries = Object.entries(tags ?? {});
  if (entries.length > MAX_TAGS) throw new ValidationError(`an object takes at most ${MAX_TAGS} tags`);
  for (const [k, v] of entries) {
    if (k === '' || k.length > MAX_TAG_KEY || v.length > MAX_TAG_VALUE || !TAG_TEXT.test(k) || !TAG_TEXT.test(v)) {
      throw new ValidationError('object tags need keys of 1-128 and values of up to 256 letters, digits, spaces or _ . : / = + - @');
    }
  }
  return Object.fromEntries(entries);
}

/** Refuses metadata S3 would change (upper-case names) or refuse (over 2 KB). */
export function checkMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const entries = Object.entries(metadata ?? {});
  let bytes = 0;
  for (const [k, v] of entries) {
    if (!METADATA_NAME.test(k)) throw new ValidationError('object metadata names are lower-case letters, digits and "-"');
    bytes += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8');
  }
  if (bytes > MAX_METADATA_BYTES) throw new ValidationError(`object metadata is limited to ${MAX_METADATA_BYTES} bytes`);
  return Object.fromEntries(entries);
}

/** A put whose key, tags and metadata passed the rules. */
export interface CheckedPut {
  key: string;
  body: Uint8Array;
  contentType?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  ifNoneMatch: boolean;
}

/**
 * The ObjectStore policy every adapter inherits (as Powertools' BasePersistenceLayer does for
 * idempotency): inputs are checked here, once, and adapters implement only the protected I/O
 * methods, which receive checked keys.
 */
export abstract class BaseObjectStore implements ObjectStore {
  async put(input: PutObjectInput): Promise<void> {
    const checked: CheckedPut = {
      key: checkObjectKey(input.key),
      body: typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body,
      metadata: checkMetadata(input.metadata),
      tags: checkTags(input.tags),
      ifNoneMatch: input.ifNoneMatch === true,
    };
    if (input.contentType !== undefined) checked.contentType = input.contentType;
    await this._put(checked);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    return this._get(checkObjectKey(key));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    return this._head(checkObjectKey(key));
  }

  async getTags(key: string): Promise<Record<string, string> | undefined> {
    return this._getTags(checkObjectKey(key));
  }

  async copy(input: CopyObjectInput): Promise<void> {
    const checked: CopyObjectInput = {
      from: checkObjectKey(input.from),
      to: checkObjectKey(input.to),
      tags: checkTags(input.tags),
      ifNoneMatch: input.ifNoneMatch === true,
    };
    if (input.contentType !== undefined) checked.contentType = input.contentType;
    await this._copy(checked);
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit > 0)) return;
    let n = 0;
    for await (const key of this._list(prefix, options.startAfter, limit)) {
      yield key;
      if (++n >= limit) return;
    }
  }

  async delete(key: string): Promise<void> {
    await this._delete(checkObjectKey(key));
  }

  protected abstract _put(input: CheckedPut): Promise<void>;
  protected abstract _get(key: string): Promise<StoredObject | undefined>;
  protected abstract _head(key: string): Promise<ObjectInfo | undefined>;
  protected abstract _getTags(key: string): Promise<Record<string, string> | undefined>;
  protected abstract _copy(input: CopyObjectInput): Promise<void>;
  /**
   * Keys under `prefix` in UTF-8 byte order, strictly after `startAfter`, read lazily: the base
   * stops consuming at the limit; `limit` is only a hint for the size of the first request.
   */
  protected abstract _list(prefix: string, startAfter: string | undefined, limit: number): AsyncIterable<string>;
  protected abstract _delete(key: string): Promise<void>;
}
