import { createHash } from 'node:crypto';

/** sha-256 hex of the normalized message text (UTF-8). */
export function contentHash(normalized: string | Uint8Array): string {
  return createHash('sha256').update(normalized).digest('hex');
}

/**
 * The dedup key (docs/adr/0002-dedup-key.md): per source, the hash of the normalized message,
 * so the same bytes re-sent with other line endings, framing or BOM are one message, and the
 * same message from two sources is two.
 */
export function dedupKey(source: string, normalized: string): string {
  return dedupKeyOf(source, contentHash(normalized));
}

/** The dedup key from a content hash already computed (submit hashes each message once). */
export function dedupKeyOf(source: string, hash: string): string {
  return `${source}#${hash}`;
}
