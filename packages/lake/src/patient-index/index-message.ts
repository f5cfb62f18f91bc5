import type { Message, Segment } from '@hcdl/hl7v2';
import { mrgIdentifiers, pidIdentifiers } from './identifiers';
import type { PatientMergeRecord } from './records';
import { attachIdentifiers, knownPatients, newPatientId, type PatientIndexCatalog, type Provenance } from './resolve';

/**
 * ADT trigger events that merge a prior patient (MRG) into the surviving one (PID):
 * A18 merge patient information, A30 merge person information, A34 merge patient id only,
 * A36 merge patient id and account, A39 merge person, A40 merge patient identifier list.
 */
export const MERGE_EVENTS: readonly string[] = ['A18', 'A30', 'A34', 'A36', 'A39', 'A40'];

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
  /** Message type as `CODE^EVENT`, used in merge records (defaults to MSH-9). */
  messageType?: string;
}

/** The PID segment with the MRG segment that follows it (before the next PID), in order. */
function pidGroups(message: Message): { pid: Segment; mrg?: Segment }[] {
  const out: { pid: Segment; mrg?: Segment }[] = [];
  for (const s of message.segments) {
    if (s.id === 'PID') out.push({ pid: s });
    else if (s.id === 'MRG') {
      const last = out[out.length - 1];
      if (last !== undefined && last.mrg === undefined) last.mrg = s;
    }
  }
  return out;
}

export function isMergeMessage(message: Message): boolean {
  return message.header.messageCode === 'ADT' && MERGE_EVENTS.includes(message.header.triggerEvent ?? '');
}

/**
 * The patient index: records the identifiers of every PID segment (PID-2, PID-3 repetitions,
 * PID-4 as `authority#type#value`) for one patient per PID, links patients a message bridges,
 * and applies merge events with history (the prior patient resolves to the survivor from then
 * on; the merge record keeps the message id and time). Runs again harmlessly for a redelivered
 * message.
 */
export function createPatientIndex(catalog: PatientIndexCatalog, options: { newId?: () => string } = {}) {
  const newId = options.newId ?? newPatientId;

  async function applyMerge(mrg: Segment, survivor: string, input: IndexInput, messageType: string): Promise<PatientMergeRecord[]> {
    const prior = mrgIdentifiers(mrg).map((i) => i.key);
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
        messageType,
        source: input.source,
        priorIdentifiers: prior,
        at: input.at,
      };
      await catalog.putPatientMerge(record);
      merges.push(record);
    }
    return merges;
  }

  return async function indexMessage(message: Message, input: IndexInput): Promise<IndexOutcome> {
    const outcome: IndexOutcome = { patients: [], links: [], merges: [] };
    const merging = isMergeMessage(message);
    const messageType = input.messageType ?? message.header.messageType ?? 'UNKNOWN';
    for (const { pid, mrg } of pidGroups(message)) {
      const ids = pidIdentifiers(pid).map((i) => i.key);
      const attached = await attachIdentifiers(catalog, ids, input, newId);
      if (attached === undefined) continue;
      if (!outcome.patients.includes(attached.patientId)) outcome.patients.push(attached.patientId);
      for (const other of attached.linked) outcome.links.push([attached.patientId, other]);
      if (merging && mrg !== undefined) outcome.merges.push(...(await applyMerge(mrg, attached.patientId, input, messageType)));
    }
    if (outcome.patients[0] !== undefined) outcome.patientId = outcome.patients[0];
    return outcome;
  };
}

export type PatientIndexer = ReturnType<typeof createPatientIndex>;
