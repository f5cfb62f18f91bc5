import type { Message } from '@hcdl/hl7v2';
import { type PatientFacts, patientFactsOf } from './facts';
import type { PatientMergeRecord } from './records';
import { attachIdentifiers, knownPatients, newPatientId, type PatientIndexCatalog, type Provenance } from './resolve';

export interface IndexOutcome {
  /** The patient of the message's first PID segment (undefined when it has no identifier). */
  patientId?: string;
  /** Every patient a PID of the message was attached to, first one first. */
  patients: string[];
  /** Pairs of known patients the message linked (first: the patient it was attached to). */
  links: [string, string][];
  /** Merges the message applied. */
  merges: PatientMergeRecord[];
}

export interface IndexInput extends Provenance {
  /** Message type as `CODE^EVENT`, recorded in merge records. */
  messageType: string;
}

/**
 * The patient index: records the identifiers of every PID segment (PID-2, PID-3 repetitions,
 * PID-4 as `authority#type#value`) for one patient per PID, links patients a message bridges,
 * and applies merge events with history (the prior patient resolves to the survivor from then
 * on; the merge record keeps the message id and time). It works on the message's
 * PatientFacts, so it never parses; it runs again harmlessly for a redelivered message.
 */
export function createPatientIndex(catalog: PatientIndexCatalog, options: { newId?: () => string } = {}) {
  const newId = options.newId ?? newPatientId;

  async function applyMerge(priorKeys: readonly string[], survivor: string, input: IndexInput): Promise<PatientMergeRecord[]> {
    const prior = [...priorKeys];
    if (prior.length === 0) return [];
    const priorPatients = await knownPatients(catalog, prior);
    // Prior identifiers never seen before now resolve to the survivor too.
    await catalog.putPatientIdentifiers(
      prior.map((identifier) => ({ identifier, patientId: survivor, source: input.source, firstSeenMessageId: input.messageId, firstSeenAt: input.at })),
    );
    const merges: PatientMergeRecord[] = [];
    for (const p of priorPatients) {
      if (p === survivor) continue;
      const record: PatientMergeRecord = {
        mergedPatientId: p,
        survivorPatientId: survivor,
        messageId: input.messageId,
        messageType: input.messageType,
        source: input.source,
        priorIdentifiers: prior,
        at: input.at,
      };
      await catalog.putPatientMerge(record);
      merges.push(record);
    }
    return merges;
  }

  /** Applies a message's patient facts (see patientFactsOf) to the catalog. */
  async function indexFacts(facts: PatientFacts, input: IndexInput): Promise<IndexOutcome> {
    const outcome: IndexOutcome = { patients: [], links: [], merges: [] };
    for (const group of facts.groups) {
      const attached = await attachIdentifiers(catalog, group.identifiers, input, newId);
      if (attached === undefined) continue;
      if (!outcome.patients.includes(attached.patientId)) outcome.patients.push(attached.patientId);
      for (const other of attached.linked) outcome.links.push([attached.patientId, other]);
      if (facts.merge && group.prior !== undefined) outcome.merges.push(...(await applyMerge(group.prior, attached.patientId, input)));
    }
    if (outcome.patients[0] !== undefined) outcome.patientId = outcome.patients[0];
    return outcome;
  }

  return {
    indexFacts,
    /** Indexes a parsed message (tests and tools; the pipeline passes the facts staging made). */
    indexMessage: (message: Message, input: Omit<IndexInput, 'messageType'> & { messageType?: string }): Promise<IndexOutcome> =>
      indexFacts(patientFactsOf(message), { ...input, messageType: input.messageType ?? message.header.messageType ?? 'UNKNOWN' }),
  };
}

export type PatientIndex = ReturnType<typeof createPatientIndex>;
