/** Object tags as the `Tagging` header of PutObject/CopyObject: a URL query string (the port has checked them). */
export function encodeTagging(tags: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** The TagSet of GetObjectTagging as a record. */
export function tagsOf(tagSet: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tagSet ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
