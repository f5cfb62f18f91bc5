import { ValidationError } from '@hcdl/lake';

/** S3 limit on key length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * Refuses keys the lake never uses and that could escape a zone when a key is later joined
 * into a path (the local adapter is a folder): empty, absolute, `.`/`..` or empty segments,
 * backslashes, control characters. Same rules as the folder store.
 */
export function checkKey(key: string): string {
  const parts = key.split('/');
  const bad =
    key === '' ||
    key.startsWith('/') ||
    key.includes('\\') ||
    /[\u0000-\u001f\u007f]/.test(key) ||
    parts.some((p) => p === '' || p === '.' || p === '..') ||
    Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES;
  if (bad) throw new ValidationError('invalid object key');
  return key;
}

/** Object tags as the `Tagging` header of PutObject: a URL query string. */
export function encodeTagging(tags: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return undefined;
  if (entries.length > 10) throw new ValidationError('an object takes at most 10 tags');
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** The TagSet of GetObjectTagging as a record. */
export function tagsOf(tagSet: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tagSet ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
