import type { Provenance } from './attach';
import type { PatientMergeRecord } from './records';
import { type PatientIndexCatalog, survivorOf } from './resolve';

/** Why a merge was not applied; the code is the diagnostic code the merge message gets. */
export const MergeRejection = {
  /** Every MRG identifier is a placeholder or of a never-linking type. */
  NoUsablePrior: 'MERGE_NO_USABLE_PRIOR',
  /** No MRG identifier was ever sent by the merging source. */
  PriorNotRecorded: 'MERGE_PRIOR_NOT_RECORDED',
} as const;
export type MergeRejection = (typeof MergeRejection)[keyof typeof MergeRejection];

/** A merge the index refused: kept as a diagnostic of the merge message, which only readers of its source see. */
export interface RejectedMerge {
  code: MergeRejection;
  /** 1-based position of the MRG segment in the message. */
  mrg: number;
  /** What a reader of the message's source is told (no identifier, nothing of another source). */
  reason: string;
}

export type MergeResult = { applied: PatientMergeRecord[]; rejected?: RejectedMerge; ignored: number };

/**
 * Applies one MRG of a merge event to the survivor: every prior patient reached through an
 * identifier the merging source itself recorded (its occurrence) is merged into the survivor.
 * Identifiers the source never sent are ignored, whatever other sources recorded, so the
 * answer never depends on what the sender may not read (no existence oracle); when none is
 * left the merge is rejected with a reason.
 */
export async function applyMerge(
  catalog: PatientIndexCatalog,
  priorKeys: readonly string[],
  ignoredByPolicy: number,
  survivor: string,
  at: Provenance & { messageType: string; mrg: number },
): Promise<MergeResult> {
  if (priorKeys.length === 0) {
    const reason = `MRG ${at.mrg} names no identifier the identity policy lets merge (placeholders and never-linking types are not used)`;
    return { applied: [], ignored: ignoredByPolicy, rejected: { code: MergeRejection.NoUsablePrior, mrg: at.mrg, reason } };
  }
  const recorded: string[] = [];
  const priorPatients: string[] = [];
  for (const key of priorKeys) {
    const o = await catalog.getPatientOccurrence(key, at.source);
    if (o === undefined) continue;
    recorded.push(key);
    const p = await survivorOf(catalog, o.patientId);
    if (!priorPatients.includes(p)) priorPatients.push(p);
  }
  const ignored = ignoredByPolicy + priorKeys.length - recorded.length;
  if (recorded.length === 0) {
    const reason = `MRG ${at.mrg} names no identifier this source has sent before; merges apply only to the sender's own identifiers`;
    return { applied: [], ignored, rejected: { code: MergeRejection.PriorNotRecorded, mrg: at.mrg, reason } };
  }
  const applied: PatientMergeRecord[] = [];
  for (const p of priorPatients) {
    if (p === survivor) continue;
    const record: PatientMergeRecord = {
      mergedPatientId: p,
      survivorPatientId: survivor,
      messageId: at.messageId,
      messageType: at.messageType,
      source: at.source,
      priorIdentifiers: recorded,
      at: at.at,
    };
    await catalog.putPatientMerge(record);
    applied.push(record);
  }
  return { applied, ignored };
}
