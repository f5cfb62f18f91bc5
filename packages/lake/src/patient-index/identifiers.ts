import type { Message, Segment } from '@hcdl/hl7v2';

/** The PID fields whose repetitions are patient identifiers (CX): PID-2, PID-3, PID-4. */
export const PID_IDENTIFIER_FIELDS = [2, 3, 4] as const;

/** One patient identifier as found in a message. */
export interface PatientIdentifier {
  /** CX-4: namespace id (CX-4.1), or the universal id (CX-4.2) when there is no namespace; '' when absent. */
  authority: string;
  /** CX-5 identifier type code (MR, PI, SS, ...); '' when absent. */
  type: string;
  /** CX-1. */
  value: string;
  /** The encoded key `authority#type#value`. */
  key: string;
}

/**
 * Escapes one part of the key so that '#' only ever separates parts: '%' becomes '%25' and
 * '#' becomes '%23' (percent encoding of just those two characters). Parts are trimmed.
 */
export function escapeIdentifierPart(part: string): string {
  return part.trim().replace(/%/g, '%25').replace(/#/g, '%23');
}

export function unescapeIdentifierPart(part: string): string {
  return part.replace(/%23/g, '#').replace(/%25/g, '%');
}

/** `authority#type#value`, each part escaped with escapeIdentifierPart. */
export function identifierKey(authority: string, type: string, value: string): string {
  return `${escapeIdentifierPart(authority)}#${escapeIdentifierPart(type)}#${escapeIdentifierPart(value)}`;
}

/**
 * `authority#type#value#source#facility`: an identifier the identity policy scopes to the
 * source and sending facility (MSH-4) that sent it, because nothing says whose number it is
 * (no CX-4 and no default authority, or a type that does not link across sources). Its five
 * parts can never equal a three-part key, so no message can forge its way into a scope.
 */
export function scopedIdentifierKey(authority: string, type: string, value: string, source: string, facility: string): string {
  return `${identifierKey(authority, type, value)}#${escapeIdentifierPart(source)}#${escapeIdentifierPart(facility)}`;
}

export interface ParsedIdentifierKey {
  authority: string;
  type: string;
  value: string;
  /** Set for a scoped key (scopedIdentifierKey): the source and sending facility it links within. */
  scope?: { source: string; facility: string };
}

/** Splits a key made by identifierKey or scopedIdentifierKey back into its parts; undefined when it is not one. */
export function parseIdentifierKey(key: string): ParsedIdentifierKey | undefined {
  const parts = key.split('#');
  if (parts.length !== 3 && parts.length !== 5) return undefined;
  const [authority, type, value, source, facility] = parts.map(unescapeIdentifierPart) as [string, string, string, string?, string?];
  if (value === '') return undefined;
  if (source === undefined || facility === undefined) return { authority, type, value };
  if (source === '') return undefined;
  return { authority, type, value, scope: { source, facility } };
}

const text = (v: string | null | undefined): string => (typeof v === 'string' ? v.trim() : '');

/** Every repetition of a CX field of a segment with a non-empty CX-1, in order, without duplicates. */
export function cxIdentifiers(segment: Segment, field: number): PatientIdentifier[] {
  const reps = segment.field(field)?.length ?? 0;
  const out: PatientIdentifier[] = [];
  for (let r = 1; r <= reps; r++) {
    const value = text(segment.leaf(field, r, 1));
    if (value === '') continue;
    const namespace = text(segment.leaf(field, r, 4, 1));
    const authority = namespace !== '' ? namespace : text(segment.leaf(field, r, 4, 2));
    const type = text(segment.leaf(field, r, 5));
    out.push({ authority, type, value, key: identifierKey(authority, type, value) });
  }
  return out;
}

function unique(ids: PatientIdentifier[]): PatientIdentifier[] {
  const seen = new Set<string>();
  return ids.filter((id) => (seen.has(id.key) ? false : (seen.add(id.key), true)));
}

/** The identifiers of one PID segment: PID-2, every repetition of PID-3, then PID-4. */
export function pidIdentifiers(pid: Segment): PatientIdentifier[] {
  return unique(PID_IDENTIFIER_FIELDS.flatMap((f) => cxIdentifiers(pid, f)));
}

/** The prior identifiers of one MRG segment: MRG-1 (prior patient identifier list) and MRG-4 (prior patient id). */
export function mrgIdentifiers(mrg: Segment): PatientIdentifier[] {
  return unique([...cxIdentifiers(mrg, 1), ...cxIdentifiers(mrg, 4)]);
}

/** The identifiers of the message's first PID segment (the message's subject). */
export function extractPatientIdentifiers(message: Message): PatientIdentifier[] {
  const pid = message.segmentsById('PID')[0];
  return pid === undefined ? [] : pidIdentifiers(pid);
}
