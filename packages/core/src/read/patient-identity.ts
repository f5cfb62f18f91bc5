import {
  type Claims,
  type PatientConflictRecord,
  type PatientDemographics,
  type PatientIdentifierRecord,
  type ParsedIdentifierKey,
  parseIdentifierKey,
} from '@hcdl/lake';
import { canRead } from './access';
import type { QueryCatalog } from './ports';

/** One identifier of a patient as one source sent it, with the parts of its key. */
export interface IdentifierView extends PatientIdentifierRecord, ParsedIdentifierKey {
  /** MSH-4 of the first message of this source with it (absent for rows indexed before occurrences were kept). */
  facility?: string;
  /** PID-5/7/8 of that first message (absent for rows indexed before occurrences were kept). PHI. */
  demographics?: PatientDemographics;
}

const partsOf = (identifier: string): ParsedIdentifierKey => parseIdentifierKey(identifier) ?? { authority: '', type: '', value: identifier };

/**
 * The identifiers of a family the caller may read: every occurrence (identifier, source) of a
 * readable source, with its facility and demographics, then the index rows of readable
 * sources no occurrence covers (rows indexed before occurrences were kept). Nothing recorded
 * for another source shows, not even that the same identifier exists there.
 */
export async function visibleIdentifiers(catalog: QueryCatalog, claims: Claims, family: readonly string[]): Promise<IdentifierView[]> {
  const out: IdentifierView[] = [];
  const seen = new Set<string>();
  for (const p of family) {
    for (const o of await catalog.listPatientOccurrences(p)) {
      if (!canRead(claims, o.source)) continue;
      seen.add(`${o.identifier}\u0000${o.source}`);
      out.push({
        identifier: o.identifier,
        patientId: o.patientId,
        source: o.source,
        firstSeenMessageId: o.firstSeenMessageId,
        firstSeenAt: o.firstSeenAt,
        ...partsOf(o.identifier),
        facility: o.facility,
        demographics: o.demographics,
      });
    }
    for (const r of await catalog.listIdentifiersOfPatient(p)) {
      if (canRead(claims, r.source) && !seen.has(`${r.identifier}\u0000${r.source}`)) out.push({ ...r, ...partsOf(r.identifier) });
    }
  }
  return out;
}

/** Demographic conflicts of a family that the caller may read on both sides (its message's source and the other one). */
export async function visibleConflicts(catalog: QueryCatalog, claims: Claims, family: readonly string[]): Promise<PatientConflictRecord[]> {
  const out = new Map<string, PatientConflictRecord>();
  for (const p of family) {
    for (const c of await catalog.listPatientConflicts(p)) {
      if (canRead(claims, c.source) && canRead(claims, c.otherSource)) out.set(`${c.identifier}\u0000${c.source}`, c);
    }
  }
  return [...out.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * The patient an identifier was recorded for, as the caller may know it: a caller reading
 * every source gets the patient the index resolves it to; another caller gets the patient
 * of a readable source's occurrence, else of an index row recorded by a readable source.
 * An identifier only other sources sent answers undefined, exactly as an unknown one.
 */
export async function recordedPatientOf(
  catalog: QueryCatalog,
  claims: Claims,
  identifier: string,
  sources: readonly string[] | undefined,
): Promise<string | undefined> {
  const owner = await catalog.getPatientIdByIdentifier(identifier);
  if (sources === undefined) return owner;
  for (const source of sources) {
    const o = await catalog.getPatientOccurrence(identifier, source);
    if (o !== undefined) return o.patientId;
  }
  if (owner === undefined) return undefined;
  const row = (await catalog.listIdentifiersOfPatient(owner)).find((r) => r.identifier === identifier);
  return row !== undefined && canRead(claims, row.source) ? owner : undefined;
}
