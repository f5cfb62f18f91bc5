import type { Catalog } from '../ports/catalog';
import type { PatientIdentifierRecord } from '../records';
import { newMessageId } from '../ids';

/** The catalog methods the patient index uses (a narrow port: tests pass an in-memory one). */
export type PatientIndexCatalog = Pick<
  Catalog,
  'getPatientIdByIdentifier' | 'putPatientIdentifiers' | 'putPatientLink' | 'putPatientMerge' | 'getPatientMerge'
>;

/** Patient ids are `pat_` + a ULID (time-ordered, like message ids). */
export const newPatientId = (now: number = Date.now()): string => `pat_${newMessageId(now)}`;

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

export interface Provenance {
  messageId: string;
  source: string;
  at: string;
}

/**
 * Attaches identifiers to one patient: the surviving patient of the first known identifier,
 * or a new patient when none is known. Unknown identifiers are recorded for that patient;
 * every other known patient found among the identifiers is linked to it (kept, not merged).
 * Safe to run again for the same message (a redelivery yields the same patient and links).
 */
export async function attachIdentifiers(
  catalog: PatientIndexCatalog,
  identifiers: readonly string[],
  at: Provenance,
  newId: () => string = newPatientId,
): Promise<{ patientId: string; linked: string[] } | undefined> {
  if (identifiers.length === 0) return undefined;
  const before = await knownPatients(catalog, identifiers);
  const patientId = before[0] ?? newId();
  const rows: PatientIdentifierRecord[] = identifiers.map((identifier) => ({
    identifier,
    patientId,
    source: at.source,
    firstSeenMessageId: at.messageId,
    firstSeenAt: at.at,
  }));
  await catalog.putPatientIdentifiers(rows); // existing identifiers are left as they are
  // Read back: a concurrent message may have recorded some of these identifiers first.
  const after = await knownPatients(catalog, identifiers);
  const chosen = after.includes(patientId) ? patientId : (after[0] ?? patientId);
  const linked = after.filter((p) => p !== chosen);
  for (const other of linked) {
    await catalog.putPatientLink({ patientId: chosen, linkedPatientId: other, messageId: at.messageId, source: at.source, at: at.at });
  }
  return { patientId: chosen, linked };
}
