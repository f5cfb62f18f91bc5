import type { Catalog } from '../ports/catalog';

/** The catalog methods the patient index uses (a narrow port: tests pass an in-memory one). */
export type PatientIndexCatalog = Pick<
  Catalog,
  | 'getPatientIdByIdentifier'
  | 'putPatientIdentifiers'
  | 'putPatientLink'
  | 'putPatientMerge'
  | 'getPatientMerge'
  | 'putPatientOccurrences'
  | 'getPatientOccurrence'
  | 'listPatientOccurrences'
  | 'putPatientConflict'
>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Patient ids are `pat_` + 26 random Crockford base-32 characters (shaped like a ULID, first
 * character 0-7). Not time-ordered on purpose: a time in the id would tell a reader that the
 * patient its message was attached to existed before (another source's patient).
 */
export function newPatientId(): string {
  const bytes = new Uint8Array(26);
  globalThis.crypto.getRandomValues(bytes);
  let id = CROCKFORD[(bytes[0] as number) % 8] as string;
  for (let i = 1; i < 26; i++) id += CROCKFORD[(bytes[i] as number) % 32];
  return `pat_${id}`;
}

const PATIENT_ID = /^pat_[0-9A-HJKMNP-TV-Z]{26}$/;
export const isPatientId = (id: string): boolean => PATIENT_ID.test(id);

/** Longest merge chain followed (A into B into C ...); a longer or circular chain stops there. */
export const MAX_MERGE_CHAIN = 32;

/** The surviving patient of `patientId`: follows recorded merges (A merged into B resolves to B). */
export async function survivorOf(catalog: Pick<Catalog, 'getPatientMerge'>, patientId: string): Promise<string> {
  let current = patientId;
  const seen = new Set<string>([current]);
  for (let i = 0; i < MAX_MERGE_CHAIN; i++) {
    const merge = await catalog.getPatientMerge(current);
    if (merge === undefined || seen.has(merge.survivorPatientId)) return current;
    current = merge.survivorPatientId;
    seen.add(current);
  }
  return current;
}

/** The surviving patient an identifier (`authority#type#value`) belongs to, or undefined when unknown. */
export async function resolveIdentifier(
  catalog: Pick<Catalog, 'getPatientIdByIdentifier' | 'getPatientMerge'>,
  identifier: string,
): Promise<string | undefined> {
  const patientId = await catalog.getPatientIdByIdentifier(identifier);
  return patientId === undefined ? undefined : survivorOf(catalog, patientId);
}

/** The distinct surviving patients of some identifiers, in the order of the identifiers; unknown ones skipped. */
export async function knownPatients(catalog: Pick<Catalog, 'getPatientIdByIdentifier' | 'getPatientMerge'>, identifiers: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of identifiers) {
    const p = await resolveIdentifier(catalog, id);
    if (p !== undefined && !out.includes(p)) out.push(p);
  }
  return out;
}
