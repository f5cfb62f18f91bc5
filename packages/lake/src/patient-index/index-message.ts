import type { Message } from '@hcdl/hl7v2';
import { attachKeys, type Provenance } from './attach';
import { type PatientFacts, patientFactsOf } from './facts';
import { IdentityPolicy } from './identity-policy';
import { indexKeysOf } from './index-keys';
import { applyMerge, type RejectedMerge } from './merge';
import type { PatientConflictRecord, PatientMergeRecord } from './records';
import { newPatientId, type PatientIndexCatalog } from './resolve';

export interface IndexOutcome {
  /** The patient of the message's first PID segment (undefined when it has no indexed identifier). */
  patientId?: string;
  /** Every patient a PID of the message was attached to, first one first. */
  patients: string[];
  /** Pairs of known patients the message linked (first: the patient it was attached to). */
  links: [string, string][];
  /** Merges the message applied. */
  merges: PatientMergeRecord[];
  /** Identifiers another source recorded for a patient whose demographics disagree: conflicts, not links. */
  conflicts: PatientConflictRecord[];
  /** Merges refused (see applyMerge), each with the reason the sender is told. */
  rejectedMerges: RejectedMerge[];
  /** Identifiers the policy left out (placeholders, never-linking types, MRG identifiers the source never sent). */
  ignored: number;
}

export interface IndexInput extends Provenance {
  /** Message type as `CODE^EVENT`, recorded in merge records. */
  messageType: string;
  /** MSH-4 sending facility: the scope of the message's unqualified identifiers ('' or absent: none). */
  facility?: string;
}

export interface PatientIndexOptions {
  newId?: () => string;
  /** Which identifiers link, per source (default: the shipped policy, see docs/identity.md). */
  policy?: IdentityPolicy;
}

/**
 * The patient index. Each PID's identifiers become index keys under the source's identity
 * policy (qualified ones of a linking type link across sources; the others are scoped to the
 * source and sending facility; placeholders and SSN-like types are left out), attached to one
 * patient per PID with the PID's demographics kept per (identifier, source) occurrence. It
 * links patients a message bridges, records a conflict instead when demographics disagree,
 * and applies merge events to the identifiers the merging source recorded (others are
 * refused, with a reason for the sender). It works on the message's PatientFacts, so it
 * never parses; it runs again harmlessly for a redelivered message (the catalog is unchanged).
 */
export function createPatientIndex(catalog: PatientIndexCatalog, options: PatientIndexOptions = {}) {
  const newId = options.newId ?? newPatientId;
  const policy = options.policy ?? new IdentityPolicy();

  /** Applies a message's patient facts (see patientFactsOf) to the catalog. */
  async function indexFacts(facts: PatientFacts, input: IndexInput): Promise<IndexOutcome> {
    const outcome: IndexOutcome = { patients: [], links: [], merges: [], conflicts: [], rejectedMerges: [], ignored: 0 };
    const scope = { source: input.source, facility: input.facility ?? '' };
    let mrg = 0;
    for (const group of facts.groups) {
      if (group.prior !== undefined) mrg++;
      const { keys, ignored } = indexKeysOf(policy, scope, group.identifiers);
      outcome.ignored += ignored;
      const attached = await attachKeys(catalog, keys, group.demographics ?? {}, { ...input, ...scope }, newId);
      if (attached === undefined) continue;
      if (!outcome.patients.includes(attached.patientId)) outcome.patients.push(attached.patientId);
      for (const other of attached.linked) outcome.links.push([attached.patientId, other]);
      outcome.conflicts.push(...attached.conflicts);
      if (facts.merge && group.prior !== undefined) {
        const prior = indexKeysOf(policy, scope, group.prior);
        const merged = await applyMerge(catalog, prior.keys, prior.ignored, attached.patientId, { ...input, mrg });
        outcome.merges.push(...merged.applied);
        outcome.ignored += merged.ignored;
        if (merged.rejected !== undefined) outcome.rejectedMerges.push(merged.rejected);
      }
    }
    if (outcome.patients[0] !== undefined) outcome.patientId = outcome.patients[0];
    return outcome;
  }

  return {
    indexFacts,
    /** Indexes a parsed message (tests and tools; the pipeline passes the facts staging made). */
    indexMessage: (message: Message, input: Omit<IndexInput, 'messageType'> & { messageType?: string }): Promise<IndexOutcome> =>
      indexFacts(patientFactsOf(message), {
        ...input,
        messageType: input.messageType ?? message.header.messageType ?? 'UNKNOWN',
        facility: input.facility ?? message.header.sendingFacility ?? '',
      }),
  };
}

export type PatientIndex = ReturnType<typeof createPatientIndex>;
