/** Short stable strings that qualify deterministic ids (what a coded value or a name is). */
import type { CodeableConcept, Json } from './resource';

/** A concept's first coding as `system|code`, else its text. */
export function conceptKey(c: CodeableConcept | Json | undefined): string {
  const coding = (c?.coding as { system?: string; code?: string }[] | undefined)?.[0];
  if (coding !== undefined) return `${coding.system ?? ''}|${coding.code ?? ''}`;
  return `text:${(c?.text as string | undefined) ?? ''}`;
}

/** A HumanName as `family|given given|prefix|suffix`. */
export function nameKey(n: Json | undefined): string {
  if (n === undefined) return '';
  const join = (v: unknown): string => (Array.isArray(v) ? v.join(' ') : '');
  return `${(n.family as string | undefined) ?? ''}|${join(n.given)}|${join(n.prefix)}|${join(n.suffix)}`;
}

/** A ContactPoint as `system|value`. */
export function telecomKey(t: Json | undefined): string {
  return t === undefined ? '' : `${(t.system as string | undefined) ?? ''}|${(t.value as string | undefined) ?? ''}`;
}
