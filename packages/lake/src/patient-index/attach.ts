import type { PatientIdentifierRecord } from '../records';
import { type DemographicField, demographicsDisagree, type PatientDemographics } from './demographics';
import type { IdentityScope } from './index-keys';
import type { PatientConflictRecord } from './records';
import { type PatientIndexCatalog, survivorOf } from './resolve';

export interface Provenance {
  messageId: string;
  source: string;
  at: string;
}

export interface Attached {
  patientId: string;
  /** Other patients the identifiers resolved to, linked (kept for review, never merged). */
  linked: string[];
  /** Patients the identifiers resolved to whose demographics disagree: recorded as conflicts, not linked. */
  conflicts: PatientConflictRecord[];
}

/** A patient another source's identifier led to, and which key led there. */
interface Candidate {
  patientId: string;
  identifier: string;
}

/** The first occurrence of `patientId` (or none) whose demographics disagree with `demographics`. */
async function disagreement(
  catalog: PatientIndexCatalog,
  patientId: string,
  demographics: PatientDemographics,
  except: { identifier: string; source: string },
): Promise<{ source: string; fields: DemographicField[] } | undefined> {
  for (const o of await catalog.listPatientOccurrences(patientId)) {
    if (o.identifier === except.identifier && o.source === except.source) continue;
    const fields = demographicsDisagree(demographics, o.demographics);
    if (fields.length > 0) return { source: o.source, fields };
  }
  return undefined;
}

/** The surviving patients of the source's own occurrences of these keys, in key order (keys without one skipped). */
async function ownPatients(catalog: PatientIndexCatalog, keys: readonly string[], source: string): Promise<{ patients: string[]; recorded: Set<string> }> {
  const patients: string[] = [];
  const recorded = new Set<string>();
  for (const key of keys) {
    const o = await catalog.getPatientOccurrence(key, source);
    if (o === undefined) continue;
    recorded.add(key);
    const p = await survivorOf(catalog, o.patientId);
    if (!patients.includes(p)) patients.push(p);
  }
  return { patients, recorded };
}

const putLink = (catalog: PatientIndexCatalog, patientId: string, other: string, at: Provenance): Promise<void> =>
  catalog.putPatientLink({ patientId, linkedPatientId: other, messageId: at.messageId, source: at.source, at: at.at });

/**
 * Attaches one PID's index keys to a patient. A key the source sent before finds the patient
 * its occurrence is attached to; a key only other sources sent finds theirs, but only when
 * the demographics agree (birth date, sex): otherwise the meeting is recorded as a conflict
 * and the message keeps to its own patient. The patient is the first one found, else a new
 * one. Keys and occurrences not yet known are recorded for it; the other patients found are
 * linked to it. Safe to run again for the same message (a redelivery yields the same
 * patient, links and conflicts).
 */
export async function attachKeys(
  catalog: PatientIndexCatalog,
  keys: readonly string[],
  demographics: PatientDemographics,
  at: Provenance & IdentityScope,
  newId: () => string,
): Promise<Attached | undefined> {
  if (keys.length === 0) return undefined;
  const { patients: own, recorded } = await ownPatients(catalog, keys, at.source);
  const fresh = keys.filter((k) => !recorded.has(k));
  const agreeing: string[] = [];
  const met: (Candidate & { otherSource: string; fields: DemographicField[] })[] = [];
  for (const identifier of fresh) {
    const owner = await catalog.getPatientIdByIdentifier(identifier);
    if (owner === undefined) continue;
    const patientId = await survivorOf(catalog, owner);
    if (own.includes(patientId) || agreeing.includes(patientId) || met.some((m) => m.patientId === patientId)) continue;
    const found = await disagreement(catalog, patientId, demographics, { identifier, source: at.source });
    if (found === undefined) agreeing.push(patientId);
    else met.push({ patientId, identifier, otherSource: found.source, fields: found.fields });
  }
  const patientId = own[0] ?? agreeing[0] ?? newId();
  // Keys the source sent before are recorded already (their index row came first): nothing to write.
  if (fresh.length === 0) {
    for (const other of own.slice(1)) await putLink(catalog, patientId, other, at);
    return { patientId, linked: own.slice(1), conflicts: [] };
  }
  const rows: PatientIdentifierRecord[] = fresh.map((identifier) => ({
    identifier,
    patientId,
    source: at.source,
    firstSeenMessageId: at.messageId,
    firstSeenAt: at.at,
  }));
  await catalog.putPatientIdentifiers(rows); // existing identifiers are left as they are
  await catalog.putPatientOccurrences(
    fresh.map((identifier) => ({
      identifier,
      source: at.source,
      patientId,
      facility: at.facility,
      firstSeenMessageId: at.messageId,
      firstSeenAt: at.at,
      demographics: { ...demographics },
    })),
  );
  // Read back: a concurrent message of the same source may have recorded some keys first.
  const after = (await ownPatients(catalog, keys, at.source)).patients;
  const chosen = after.includes(patientId) ? patientId : (after[0] ?? patientId);
  const linked = [...after, ...agreeing].filter((p, i, all) => p !== chosen && all.indexOf(p) === i);
  for (const other of linked) await putLink(catalog, chosen, other, at);
  const conflicts: PatientConflictRecord[] = met.map((m) => ({
    patientId: m.patientId,
    conflictingPatientId: chosen,
    identifier: m.identifier,
    source: at.source,
    otherSource: m.otherSource,
    fields: m.fields,
    messageId: at.messageId,
    at: at.at,
  }));
  for (const c of conflicts) await catalog.putPatientConflict(c);
  return { patientId: chosen, linked, conflicts };
}
