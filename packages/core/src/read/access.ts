import { canRead, READ_CLAIM, sourcesOf, type Claims } from '@hcdl/lake';

/**
 * The sources a list may cover, from the `custom:read` claim (deny by default):
 * `undefined` means every source (the claim holds `*`) and no filter is needed; `[]` means
 * nothing is readable (answer an empty list). Requested sources (`source=a,b`) narrow it;
 * requested sources the caller may not read are dropped silently, exactly as if they had
 * no messages (a list never tells which sources exist).
 */
export function readableSources(claims: Claims, requested?: readonly string[]): string[] | undefined {
  if (requested !== undefined) return requested.filter((s) => canRead(claims, s));
  const sources = sourcesOf(claims, READ_CLAIM);
  return sources.includes('*') ? undefined : [...new Set(sources)];
}

export { canRead };
